package io.glassbox.server.dicom.net.pdu;

import java.util.ArrayList;
import java.util.List;

/**
 * A-ASSOCIATE-AC (PS3.8 9.3.3). Encoded by the accepting side, parsed by a requesting one.
 * The AE titles repeat those of the request (PS3.8 9.3.3: sent, not tested).
 */
public record AssociateAccept(
        String calledAeTitle,
        String callingAeTitle,
        String applicationContextName,
        List<PresentationContextResult> presentationContexts,
        UserInformation userInformation) {

    public AssociateAccept {
        presentationContexts = List.copyOf(presentationContexts);
    }

    public byte[] toPdu() {
        PduBuilder out = new PduBuilder(Pdu.A_ASSOCIATE_AC);
        AssociateRequest.writeFixedPart(out, 1, calledAeTitle, callingAeTitle);
        out.textItem(AssociateRequest.APPLICATION_CONTEXT_ITEM, applicationContextName);
        for (PresentationContextResult pc : presentationContexts) {
            int item = out.beginItem(PresentationContextResult.ITEM_TYPE);
            out.u8(pc.id()).u8(0).u8(pc.result()).u8(0);
            out.textItem(PresentationContextProposal.TRANSFER_SYNTAX, pc.transferSyntax());
            out.endItem(item);
        }
        userInformation.writeTo(out);
        return out.toByteArray();
    }

    public static AssociateAccept parse(Pdu pdu) throws DicomProtocolException {
        ByteReader in = pdu.reader();
        in.skip(4);
        String called = in.text(16);
        String calling = in.text(16);
        in.skip(32);
        String applicationContext = "";
        List<PresentationContextResult> contexts = new ArrayList<>();
        UserInformation userInformation = null;
        while (in.hasRemaining()) {
            int type = in.u8();
            in.skip(1);
            ByteReader item = in.slice(in.u16());
            switch (type) {
                case AssociateRequest.APPLICATION_CONTEXT_ITEM -> applicationContext = item.text(item.remaining());
                case PresentationContextResult.ITEM_TYPE -> {
                    int id = item.u8();
                    item.skip(1);
                    int result = item.u8();
                    item.skip(1);
                    String transferSyntax = "";
                    while (item.hasRemaining()) {
                        int subType = item.u8();
                        item.skip(1);
                        ByteReader sub = item.slice(item.u16());
                        if (subType == PresentationContextProposal.TRANSFER_SYNTAX) {
                            transferSyntax = sub.text(sub.remaining());
                        }
                    }
                    contexts.add(new PresentationContextResult(id, result, transferSyntax));
                }
                case UserInformation.ITEM_TYPE -> userInformation = UserInformation.parse(item);
                default -> {
                    // PS3.8 9.3.1: items of unrecognised types are ignored and skipped
                }
            }
        }
        if (userInformation == null) {
            throw new DicomProtocolException(Abort.REASON_INVALID_PDU_PARAMETER_VALUE,
                    "A-ASSOCIATE-AC without a User Information item");
        }
        return new AssociateAccept(called, calling, applicationContext, contexts, userInformation);
    }
}
