package io.glassbox.server.results;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/**
 * UIDs of the result objects, all of the form {@code 2.25.<UUID as a decimal integer>} (PS3.5 B.2), so no
 * organisational root is needed.
 *
 * <p>Result UIDs are name-based rather than random: the same analysis of the same image always gets the same
 * series and instance UIDs, which makes storing results idempotent (a retried job finds its objects already
 * stored instead of adding copies). The UUIDs are RFC 9562 version 8 ("custom") UUIDs whose 122 free bits are the
 * first bits of a SHA-256 of the name; version 8 rather than version 5 because SHA-1 is not wanted here.
 */
public final class ResultUids {

    /**
     * The kinds of result object; each is its own series. A constant's name is part of its UIDs, so it is never
     * renamed.
     */
    public enum Kind {
        SECONDARY_CAPTURE(9901, "Secondary Capture", "secondaryCapture"),
        PARAMETRIC_MAP(9902, "Parametric Map", "parametricMap"),
        STRUCTURED_REPORT(9903, "Structured Report", "structuredReport");

        private final int seriesNumber;
        private final String displayName;
        private final String recordKey;

        Kind(int seriesNumber, String displayName, String recordKey) {
            this.seriesNumber = seriesNumber;
            this.displayName = displayName;
            this.recordKey = recordKey;
        }

        /** The Series Number (0020,0011) of this kind's series: the same for every analysis. */
        public int seriesNumber() {
            return seriesNumber;
        }

        /** What it is called in messages ("Parametric Map"). */
        public String displayName() {
            return displayName;
        }

        /** Its field in a job's record, for its series and for each stored object ("parametricMap"). */
        public String recordKey() {
            return recordKey;
        }
    }

    private ResultUids() {}

    /**
     * The Device UID of a model (IHE AI Results, Contributing Equipment): derived from the SHA-256 of its weights,
     * so it changes exactly when the weights change. The first 128 bits of the digest, with the UUID version and
     * variant bits set.
     */
    public static String deviceUid(String weightsSha256Hex) {
        return fromDigest(HexFormat.of().parseHex(weightsSha256Hex));
    }

    public static String seriesUid(UUID analysisId, Kind kind) {
        return nameBased("glassbox-result-series", analysisId.toString(), kind.name());
    }

    /** The result object of one kind for one frame (from 1) of one source image (the Secondary Capture). */
    public static String instanceUid(UUID analysisId, Kind kind, String sourceSopInstanceUid, int frameNumber) {
        return nameBased("glassbox-result-instance", analysisId.toString(), kind.name(), sourceSopInstanceUid,
                Integer.toString(frameNumber));
    }

    /**
     * The Parametric Map of one analysis over one stack of source frames, named by its content key (the stack's
     * source series and geometry and its frames, see ParametricMapWriter.contentKey): a retry that analyses the
     * same inputs names it alike.
     */
    static String parametricMapUid(UUID analysisId, String contentKey) {
        return nameBased("glassbox-result-instance", analysisId.toString(), Kind.PARAMETRIC_MAP.name(), contentKey);
    }

    /** The Structured Report of one analysis (one job): one per report id. */
    public static String reportUid(UUID reportId) {
        return nameBased("glassbox-result-instance", reportId.toString(), Kind.STRUCTURED_REPORT.name());
    }

    /** The Frame of Reference of a map whose source has none (see ParametricMapWriter.planeOf). */
    static String frameOfReferenceUid(UUID analysisId, String stackKey) {
        return nameBased("glassbox-frame-of-reference", analysisId.toString(), stackKey);
    }

    /** The Dimension Organization of the analysis's maps: one, the same for all of them. */
    static String dimensionOrganizationUid(UUID analysisId) {
        return nameBased("glassbox-dimension-organization", analysisId.toString());
    }

    /** The Tracking Unique Identifier of the finding group of an analysis of one image. */
    static String trackingUid(UUID analysisId, String sourceSopInstanceUid, int frameNumber) {
        return nameBased("glassbox-finding", analysisId.toString(), sourceSopInstanceUid, Integer.toString(frameNumber));
    }

    /** A UID for an object that has no natural name (tests, one-off objects). */
    public static String random() {
        UUID u = UUID.randomUUID();
        return "2.25." + new BigInteger(1, ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
    }

    /**
     * A version 8 UUID named by {@code parts}: the same parts always give the same UUID, different ones (in
     * practice) never. The analysis ids of jobs are made this way, as are all result UIDs.
     */
    public static UUID nameBasedUuid(String... parts) {
        // NUL separates the parts: no UID, UUID or kind contains one, so distinct tuples hash distinct strings.
        ByteBuffer b = ByteBuffer.wrap(uuidBytes(sha256(String.join("\0", parts).getBytes(StandardCharsets.UTF_8))));
        return new UUID(b.getLong(), b.getLong());
    }

    private static String nameBased(String... parts) {
        return fromDigest(sha256(String.join("\0", parts).getBytes(StandardCharsets.UTF_8)));
    }

    private static String fromDigest(byte[] digest) {
        return "2.25." + new BigInteger(1, uuidBytes(digest));
    }

    /** The first 128 bits of a digest with the UUID version (8) and variant bits set. */
    private static byte[] uuidBytes(byte[] digest) {
        if (digest.length < 16) {
            throw new IllegalArgumentException("digest shorter than 128 bits");
        }
        byte[] b = Arrays.copyOf(digest, 16);
        b[6] = (byte) ((b[6] & 0x0F) | 0x80); // version 8
        b[8] = (byte) ((b[8] & 0x3F) | 0x80); // variant 10xx (RFC 9562)
        return b;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
