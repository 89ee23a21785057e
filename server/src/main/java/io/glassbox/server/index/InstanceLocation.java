package io.glassbox.server.index;

/**
 * Where one stored instance's file is and what WADO-RS needs to serve parts of it without parsing it.
 *
 * @param storagePath     the Part 10 file, relative to the data directory
 * @param datasetOffset   where the data set starts in the file (after the file meta information)
 * @param pixelDataOffset value offset of Pixel Data (7FE0,0010) in the file, null when there is none or the data
 *                        set is deflated (an offset in the inflated stream means nothing in the file)
 * @param pixelDataLength its value length, -1 when encapsulated (undefined length), null when there is none
 * @param numberOfFrames  (0028,0008), null when absent (one frame)
 * @param samplesPerPixel (0028,0002) from the stored metadata, null when absent
 * @param bitsAllocated   (0028,0100) from the stored metadata, null when absent
 */
public record InstanceLocation(
        String studyUid,
        String seriesUid,
        String sopInstanceUid,
        String sopClassUid,
        String transferSyntaxUid,
        String storagePath,
        long sizeBytes,
        String sha256,
        long datasetOffset,
        Long pixelDataOffset,
        Long pixelDataLength,
        Integer rows,
        Integer columns,
        Integer numberOfFrames,
        Integer samplesPerPixel,
        Integer bitsAllocated) {

    /** Frames in the object: Number of Frames, or 1 when it is absent. */
    public int frameCount() {
        return numberOfFrames == null || numberOfFrames < 1 ? 1 : numberOfFrames;
    }
}
