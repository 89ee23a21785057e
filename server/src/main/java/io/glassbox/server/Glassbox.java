package io.glassbox.server;

/** Identity of this implementation as DICOM sees it (association negotiation, file meta, created objects). */
public final class Glassbox {
    /** Implementation Class UID: a UUID-derived UID (PS3.5 B.2), fixed for Glassbox. */
    public static final String IMPLEMENTATION_CLASS_UID = "2.25.185422358918826547907749804531597941281";
    /** Implementation Version Name (at most 16 characters). */
    public static final String IMPLEMENTATION_VERSION_NAME = "GLASSBOX_0.1";

    private Glassbox() {}
}
