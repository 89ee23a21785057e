package io.glassbox.server.dicom.net.assoc;

import java.util.Set;

/**
 * Transfer syntaxes accepted for storage. Compressed ones are accepted as such, so that an object is kept exactly
 * as the modality compressed it; the negotiation picks, per presentation context, the first one the peer proposed.
 */
public final class TransferSyntaxes {

    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";

    private static final Set<String> ACCEPTED = Set.of(
            IMPLICIT_VR_LITTLE_ENDIAN,
            EXPLICIT_VR_LITTLE_ENDIAN,
            DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
            EXPLICIT_VR_BIG_ENDIAN,
            "1.2.840.10008.1.2.4.50", // JPEG baseline (process 1)
            "1.2.840.10008.1.2.4.51", // JPEG extended (process 2 & 4)
            "1.2.840.10008.1.2.4.57", // JPEG lossless, non-hierarchical (process 14)
            "1.2.840.10008.1.2.4.70", // JPEG lossless, first-order prediction (process 14, SV1)
            "1.2.840.10008.1.2.4.80", // JPEG-LS lossless
            "1.2.840.10008.1.2.4.81", // JPEG-LS near-lossless
            "1.2.840.10008.1.2.4.90", // JPEG 2000 lossless only
            "1.2.840.10008.1.2.4.91", // JPEG 2000
            "1.2.840.10008.1.2.4.92", // JPEG 2000 part 2 multi-component lossless
            "1.2.840.10008.1.2.4.93", // JPEG 2000 part 2 multi-component
            "1.2.840.10008.1.2.4.201", // HTJ2K lossless
            "1.2.840.10008.1.2.4.202", // HTJ2K lossless RPCL
            "1.2.840.10008.1.2.4.203", // HTJ2K
            "1.2.840.10008.1.2.4.100", // MPEG2 main profile / main level
            "1.2.840.10008.1.2.4.101", // MPEG2 main profile / high level
            "1.2.840.10008.1.2.4.102", // MPEG-4 AVC/H.264 high profile / level 4.1
            "1.2.840.10008.1.2.4.103", // MPEG-4 AVC/H.264 BD-compatible high profile / level 4.1
            "1.2.840.10008.1.2.4.104", // MPEG-4 AVC/H.264 high profile / level 4.2 for 2D video
            "1.2.840.10008.1.2.4.105", // MPEG-4 AVC/H.264 high profile / level 4.2 for 3D video
            "1.2.840.10008.1.2.4.106", // MPEG-4 AVC/H.264 stereo high profile / level 4.2
            "1.2.840.10008.1.2.4.107", // HEVC/H.265 main profile / level 5.1
            "1.2.840.10008.1.2.4.108", // HEVC/H.265 main 10 profile / level 5.1
            "1.2.840.10008.1.2.5"); // RLE lossless

    private TransferSyntaxes() {
    }

    public static boolean isAccepted(String transferSyntaxUid) {
        return ACCEPTED.contains(transferSyntaxUid);
    }
}
