package io.glassbox.server.dicom.net.pdu;

import java.util.ArrayList;
import java.util.List;

/**
 * A-ASSOCIATE-RQ (PS3.8 9.3.2). Parsed by the accepting side, encoded by a requesting one.
 *
 * @param protocolVersion bit 0 set for the only version defined
 * @param calledAeTitle   the AE title the peer wants to reach, without padding
 * @param callingAeTitle  the peer's own AE title, without padding
 */
public record AssociateRequest(
        int protocolVersion,
        String calledAeTitle,
        String callingAeTitle,
        String applicationContextName,
        List<PresentationContextProposal> presentationContexts,
        UserInformation userInformation) {

    /** The DICOM application context name, the only one defined (PS3.7 A.2.1). */
    public static final String DICOM_APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";

    static final int APPLICATION_CONTEXT_ITEM = 0x10;

    public AssociateRequest {
        presentationContexts = List.copyOf(presentationContexts);
    }

    public byte[] toPdu() {
        PduBuilder out = new PduBuilder(Pdu.A_ASSOCIATE_RQ);
        writeFixedPart(out, protocolVersion, calledAeTitle, callingAeTitle);
        out.textItem(APPLICATION_CONTEXT_ITEM, applicationContextName);
        for (PresentationContextProposal pc : presentationContexts) {
            int item = out.beginItem(PresentationContextProposal.ITEM_TYPE);
            out.u8(pc.id()).zeros(3);
            out.textItem(PresentationContextProposal.ABSTRACT_SYNTAX, pc.abstractSyntax());
            for (String ts : pc.transferSyntaxes()) {
                out.textItem(PresentationContextProposal.TRANSFER_SYNTAX, ts);
            }
            out.endItem(item);
        }
        userInformation.writeTo(out);
        return out.toByteArray();
    }

    public static AssociateRequest parse(Pdu pdu) throws DicomProtocolException {
        ByteReader in = pdu.reader();
        int version = in.u16();
        in.skip(2);
        String called = in.text(16);
        String calling = in.text(16);
        in.skip(32);
        String applicationContext = "";
        List<PresentationContextProposal> contexts = new ArrayList<>();
        UserInformation userInformation = null;
        while (in.hasRemaining()) {
            int type = in.u8();
            in.skip(1);
            ByteReader item = in.slice(in.u16());
            switch (type) {
                case APPLICATION_CONTEXT_ITEM -> applicationContext = item.text(item.remaining());
                case PresentationContextProposal.ITEM_TYPE -> contexts.add(parseProposal(item));
                case UserInformation.ITEM_TYPE -> userInformation = UserInformation.parse(item);
                default -> {
                    // PS3.8 9.3.1: items of unrecognised types are ignored and skipped
                }
            }
        }
        if (userInformation == null) {
            throw new DicomProtocolException(Abort.REASON_INVALID_PDU_PARAMETER_VALUE,
                    "A-ASSOCIATE-RQ without a User Information item (maximum length is mandatory)");
        }
        return new AssociateRequest(version, called, calling, applicationContext, contexts, userInformation);
    }

    private static PresentationContextProposal parseProposal(ByteReader in) throws DicomProtocolException {
        int id = in.u8();
        in.skip(3);
        String abstractSyntax = null;
        List<String> transferSyntaxes = new ArrayList<>();
        while (in.hasRemaining()) {
            int type = in.u8();
            in.skip(1);
            ByteReader sub = in.slice(in.u16());
            switch (type) {
                case PresentationContextProposal.ABSTRACT_SYNTAX -> abstractSyntax = sub.text(sub.remaining());
                case PresentationContextProposal.TRANSFER_SYNTAX -> transferSyntaxes.add(sub.text(sub.remaining()));
                default -> {
                    // PS3.8 9.3.1: items of unrecognised types are ignored and skipped
                }
            }
        }
        if (abstractSyntax == null || transferSyntaxes.isEmpty()) {
            throw new DicomProtocolException(Abort.REASON_INVALID_PDU_PARAMETER_VALUE,
                    "presentation context " + id + " lacks its abstract syntax or any transfer syntax");
        }
        return new PresentationContextProposal(id, abstractSyntax, transferSyntaxes);
    }

    /** Protocol version, reserved, called and calling AE titles, reserved: the same layout in RQ and AC. */
    static void writeFixedPart(PduBuilder out, int protocolVersion, String called, String calling) {
        out.u16(protocolVersion).zeros(2).aeTitle(called).aeTitle(calling).zeros(32);
    }
}
