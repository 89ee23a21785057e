package io.glassbox.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Real DICOM files for tests: the test corpus that Debian's python3-pydicom ships. */
public final class TestCorpus {
    public static final Path PYDICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    /**
     * Every Part 10 file of the corpus that has pixel data and a SOP Instance UID, one per transfer syntax family
     * and then some (the issue asks for every file with pixel data). Found by name, since the list is fixed by
     * the Debian package. Left out: SC_rgb_jpeg.dcm, whose meta says explicit VR while its data set is implicit
     * VR with inconsistent lengths: dcmtk and PixelMed both fail to read it, and Glassbox refuses it (tested with
     * the malformed files).
     */
    public static final List<String> WITH_PIXEL_DATA = List.of(
            "693_J2KI.dcm", "CT_small.dcm", "ExplVR_BigEnd.dcm", "GDCMJ2K_TextGBR.dcm", "J2K_pixelrep_mismatch.dcm",
            "JPEG-lossy.dcm", "JPEG2000-embedded-sequence-delimiter.dcm", "JPEG2000.dcm", "JPGExtended.dcm",
            "MR_small.dcm", "MR_small_RLE.dcm", "MR_small_bigendian.dcm", "MR_small_expb.dcm",
            "MR_small_implicit.dcm", "MR_small_jp2klossless.dcm", "MR_small_jpeg_ls_lossless.dcm",
            "MR_small_padded.dcm", "SC_jpeg_no_color_transform.dcm", "SC_jpeg_no_color_transform_2.dcm",
            "SC_rgb_dcmtk_+eb+cr.dcm", "SC_rgb_dcmtk_+eb+cy+n1.dcm", "SC_rgb_dcmtk_+eb+cy+n2.dcm",
            "SC_rgb_dcmtk_+eb+cy+np.dcm", "SC_rgb_dcmtk_+eb+cy+s2.dcm", "SC_rgb_dcmtk_+eb+cy+s4.dcm",
            "SC_rgb_gdcm_KY.dcm", "SC_rgb_jpeg_app14_dcmd.dcm", "SC_rgb_jpeg_dcmd.dcm",
            "SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_jpeg_gdcm.dcm", "SC_rgb_jpeg_lossy_gdcm.dcm", "SC_rgb_rle.dcm",
            "SC_rgb_rle_16bit.dcm", "SC_rgb_rle_16bit_2frame.dcm", "SC_rgb_rle_2frame.dcm", "SC_rgb_rle_32bit.dcm",
            "SC_rgb_rle_32bit_2frame.dcm", "SC_rgb_small_odd.dcm", "SC_rgb_small_odd_jpeg.dcm",
            "SC_ybr_full_422_uncompressed.dcm", "image_dfl.dcm", "liver_1frame.dcm", "liver_expb_1frame.dcm",
            "rtdose.dcm", "rtdose_1frame.dcm", "rtdose_expb.dcm", "rtdose_expb_1frame.dcm", "rtdose_rle.dcm",
            "rtdose_rle_1frame.dcm", "dicomdirtests/77654033/CR1/6154", "dicomdirtests/77654033/CT2/17106",
            "dicomdirtests/98892001/CT5N/2062", "dicomdirtests/98892003/MR1/15820");

    private TestCorpus() {}

    public static Path file(String name) {
        return PYDICOM.resolve(name);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }
}
