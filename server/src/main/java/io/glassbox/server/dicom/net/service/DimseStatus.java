package io.glassbox.server.dicom.net.service;

/** DIMSE status codes used here (PS3.7 Annex C, PS3.4 B.2.3). */
public final class DimseStatus {

    public static final int SUCCESS = 0x0000;
    /** Warning: C-STORE coercion of data elements. */
    public static final int COERCION_OF_DATA_ELEMENTS = 0xB000;
    public static final int DUPLICATE_SOP_INSTANCE = 0x0111;
    public static final int PROCESSING_FAILURE = 0x0110;
    public static final int NO_SUCH_SOP_CLASS = 0x0118;
    public static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;
    public static final int UNRECOGNIZED_OPERATION = 0x0211;
    /** C-STORE: refused, out of resources. */
    public static final int OUT_OF_RESOURCES = 0xA700;
    /** C-STORE: data set does not match SOP class. */
    public static final int DATA_SET_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    /** C-STORE: cannot understand. */
    public static final int CANNOT_UNDERSTAND = 0xC000;

    private DimseStatus() {
    }

    /** Warnings (PS3.7 C.1.3, PS3.4 B.2.3): the operation completed, with a caveat. */
    public static boolean isWarning(int status) {
        return status == 0x0001 || status == 0x0107 || status == 0x0116 || (status & 0xF000) == 0xB000;
    }

    /** Failures: anything that is neither success, warning, pending (0xFF00, 0xFF01) nor cancel (0xFE00). */
    public static boolean isFailure(int status) {
        return status != SUCCESS && !isWarning(status) && status != 0xFF00 && status != 0xFF01 && status != 0xFE00;
    }
}
