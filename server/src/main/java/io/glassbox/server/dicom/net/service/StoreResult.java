package io.glassbox.server.dicom.net.service;

/**
 * What to answer a C-STORE-RQ.
 *
 * @param status       the C-STORE response status ({@link DimseStatus})
 * @param errorComment sent as Error Comment (0000,0902), cut to 64 characters; null for none
 */
public record StoreResult(int status, String errorComment) {

    public static StoreResult success() {
        return new StoreResult(DimseStatus.SUCCESS, null);
    }

    public static StoreResult failure(int status, String errorComment) {
        return new StoreResult(status, errorComment);
    }
}
