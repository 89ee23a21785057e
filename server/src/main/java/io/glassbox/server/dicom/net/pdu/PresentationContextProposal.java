package io.glassbox.server.dicom.net.pdu;

import java.util.List;

/** A presentation context as proposed in an A-ASSOCIATE-RQ: one abstract syntax, transfer syntaxes in preference order. */
public record PresentationContextProposal(int id, String abstractSyntax, List<String> transferSyntaxes) {

    public static final int ITEM_TYPE = 0x20;
    static final int ABSTRACT_SYNTAX = 0x30;
    static final int TRANSFER_SYNTAX = 0x40;

    public PresentationContextProposal {
        transferSyntaxes = List.copyOf(transferSyntaxes);
    }
}
