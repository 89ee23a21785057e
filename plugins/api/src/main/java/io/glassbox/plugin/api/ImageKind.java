package io.glassbox.plugin.api;

/** What unit of imaging a plugin analyses. */
public enum ImageKind {
    /** One 2D image on its own (a radiograph, a single frame). */
    SINGLE_IMAGE,
    /** One slice of a cross-sectional series, analysed on its own. */
    SERIES_SLICE,
    /** A whole series at once (a volume). */
    WHOLE_SERIES
}
