package io.glassbox.server.dicom.net.pdu;

/**
 * The answer to one proposed presentation context in an A-ASSOCIATE-AC (PS3.8 9.3.3.2).
 *
 * @param transferSyntax the accepted transfer syntax; not significant unless {@code result} is {@link #ACCEPTANCE}
 */
public record PresentationContextResult(int id, int result, String transferSyntax) {

    static final int ITEM_TYPE = 0x21;

    public static final int ACCEPTANCE = 0;
    public static final int USER_REJECTION = 1;
    public static final int NO_REASON = 2;
    public static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    public static final int TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    public boolean accepted() {
        return result == ACCEPTANCE;
    }

    public static String describe(int result) {
        return switch (result) {
            case ACCEPTANCE -> "accepted";
            case USER_REJECTION -> "user rejection";
            case NO_REASON -> "rejected (no reason)";
            case ABSTRACT_SYNTAX_NOT_SUPPORTED -> "abstract syntax not supported";
            case TRANSFER_SYNTAXES_NOT_SUPPORTED -> "transfer syntaxes not supported";
            default -> "result " + result;
        };
    }
}
