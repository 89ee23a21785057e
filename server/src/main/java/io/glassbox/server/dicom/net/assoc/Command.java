package io.glassbox.server.dicom.net.assoc;

import io.glassbox.server.dicom.net.pdu.Abort;
import io.glassbox.server.dicom.net.pdu.DicomProtocolException;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.SOPClassDescriptions;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * A DIMSE command set (PS3.7 E.1), always implicit VR little endian, held in a PixelMed {@link AttributeList}.
 */
public final class Command {

    public static final int C_STORE_RQ = 0x0001;
    public static final int C_GET_RQ = 0x0010;
    public static final int C_FIND_RQ = 0x0020;
    public static final int C_MOVE_RQ = 0x0021;
    public static final int C_ECHO_RQ = 0x0030;
    public static final int C_CANCEL_RQ = 0x0FFF;
    /** A response's command field is its request's with this bit set. */
    public static final int RESPONSE_BIT = 0x8000;
    public static final int C_STORE_RSP = C_STORE_RQ | RESPONSE_BIT;
    public static final int C_ECHO_RSP = C_ECHO_RQ | RESPONSE_BIT;

    /** Command Data Set Type value meaning "no data set follows"; any other value means one does. */
    public static final int NO_DATA_SET = 0x0101;
    /** Data Set Type value conventionally sent when a data set follows. */
    public static final int DATA_SET_PRESENT = 0x0000;

    public static final int PRIORITY_MEDIUM = 0x0000;

    /** The Verification SOP Class (PS3.4 A.4), which a C-ECHO names. */
    public static final String VERIFICATION_SOP_CLASS = "1.2.840.10008.1.1";

    /** Error Comment (0000,0902) is LO: at most 64 characters (PS3.7 C.4.2.1.4 / PS3.5 6.2). */
    public static final int MAX_ERROR_COMMENT_LENGTH = 64;

    private static final AttributeTag COMMAND_GROUP_LENGTH = new AttributeTag(0x0000, 0x0000);

    private final AttributeList attributes;

    private Command(AttributeList attributes) {
        this.attributes = attributes;
    }

    /** Parses the bytes of a complete command set. */
    public static Command parse(byte[] bytes) throws DicomProtocolException {
        AttributeList list = new AttributeList();
        try {
            list.read(new DicomInputStream(new ByteArrayInputStream(bytes), TransferSyntax.ImplicitVRLittleEndian, false));
        } catch (IOException | DicomException | RuntimeException e) {
            throw new DicomProtocolException(Abort.REASON_INVALID_PDU_PARAMETER_VALUE,
                    "unreadable DIMSE command set of " + bytes.length + " bytes: " + e.getMessage());
        }
        if (list.get(TagFromName.CommandField) == null) {
            throw new DicomProtocolException(Abort.REASON_INVALID_PDU_PARAMETER_VALUE,
                    "DIMSE command set without a Command Field (0000,0100)");
        }
        return new Command(list);
    }

    /** The command set encoded in implicit VR little endian, led by its Command Group Length. */
    public byte[] toBytes() {
        try {
            AttributeList withoutLength = (AttributeList) attributes.clone();
            withoutLength.remove(COMMAND_GROUP_LENGTH);
            byte[] body = encode(withoutLength);
            AttributeList withLength = (AttributeList) withoutLength.clone();
            withLength.put(unsignedLong(COMMAND_GROUP_LENGTH, body.length));
            return encode(withLength);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        } catch (DicomException e) {
            throw new IllegalStateException("command set cannot be encoded: " + this, e);
        }
    }

    private static byte[] encode(AttributeList list) throws IOException, DicomException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        DicomOutputStream out = new DicomOutputStream(bytes, null, TransferSyntax.ImplicitVRLittleEndian);
        list.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    // ---- requests (for a requesting side and for tests) ----

    public static Command echoRequest(int messageId) {
        return new Builder(C_ECHO_RQ)
                .uid(TagFromName.AffectedSOPClassUID, VERIFICATION_SOP_CLASS)
                .us(TagFromName.MessageID, messageId)
                .us(TagFromName.CommandDataSetType, NO_DATA_SET)
                .build();
    }

    public static Command storeRequest(int messageId, String sopClassUid, String sopInstanceUid, int priority) {
        return new Builder(C_STORE_RQ)
                .uid(TagFromName.AffectedSOPClassUID, sopClassUid)
                .us(TagFromName.MessageID, messageId)
                .us(TagFromName.Priority, priority)
                .us(TagFromName.CommandDataSetType, DATA_SET_PRESENT)
                .uid(TagFromName.AffectedSOPInstanceUID, sopInstanceUid)
                .build();
    }

    /** Any request, for probing a peer with operations it may not support. */
    public static Command request(int commandField, int messageId, String affectedSopClassUid, boolean withDataSet) {
        return new Builder(commandField)
                .uid(TagFromName.AffectedSOPClassUID, affectedSopClassUid)
                .us(TagFromName.MessageID, messageId)
                .us(TagFromName.CommandDataSetType, withDataSet ? DATA_SET_PRESENT : NO_DATA_SET)
                .build();
    }

    /**
     * The response to {@code request}: same affected SOP class and instance, the given status and, when not null,
     * an Error Comment cut to 64 characters of what LO allows.
     */
    public static Command response(Command request, int status, String errorComment) {
        return response(request, status, errorComment, List.of());
    }

    /**
     * The response to {@code request} as {@link #response(Command, int, String)}, naming {@code offendingElements}
     * as Offending Element (0000,0901) when not empty (PS3.7 C.4).
     */
    public static Command response(Command request, int status, String errorComment,
            List<AttributeTag> offendingElements) {
        Builder response = new Builder(request.commandField() | RESPONSE_BIT)
                .us(TagFromName.MessageIDBeingRespondedTo, request.messageId())
                .us(TagFromName.CommandDataSetType, NO_DATA_SET)
                .us(TagFromName.Status, status);
        if (!request.affectedSopClassUid().isEmpty()) {
            response.uid(TagFromName.AffectedSOPClassUID, request.affectedSopClassUid());
        }
        if (!request.affectedSopInstanceUid().isEmpty()) {
            response.uid(TagFromName.AffectedSOPInstanceUID, request.affectedSopInstanceUid());
        }
        if (errorComment != null && !errorComment.isBlank()) {
            response.lo(TagFromName.ErrorComment, asErrorComment(errorComment));
        }
        if (!offendingElements.isEmpty()) {
            response.at(TagFromName.OffendingElement, offendingElements);
        }
        return response.build();
    }

    /** Fits free text into LO: no backslash (the value delimiter) nor control characters, at most 64 characters. */
    static String asErrorComment(String text) {
        String cleaned = text.replace('\\', '/').replaceAll("[\\p{Cntrl}]", " ").strip();
        return cleaned.length() <= MAX_ERROR_COMMENT_LENGTH ? cleaned : cleaned.substring(0, MAX_ERROR_COMMENT_LENGTH);
    }

    // ---- accessors ----

    public int commandField() {
        return Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.CommandField, -1);
    }

    public boolean isRequest() {
        return (commandField() & RESPONSE_BIT) == 0;
    }

    public int messageId() {
        return Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.MessageID, 0);
    }

    public int messageIdBeingRespondedTo() {
        return Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.MessageIDBeingRespondedTo, 0);
    }

    /** Whether a data set follows this command (Command Data Set Type other than 0x0101). */
    public boolean hasDataSet() {
        return Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.CommandDataSetType, NO_DATA_SET) != NO_DATA_SET;
    }

    public String affectedSopClassUid() {
        return Attribute.getSingleStringValueOrEmptyString(attributes, TagFromName.AffectedSOPClassUID);
    }

    public String affectedSopInstanceUid() {
        return Attribute.getSingleStringValueOrEmptyString(attributes, TagFromName.AffectedSOPInstanceUID);
    }

    public int status() {
        return Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.Status, -1);
    }

    /** The Offending Element(s), or none. */
    public List<AttributeTag> offendingElements() {
        if (!(attributes.get(TagFromName.OffendingElement) instanceof AttributeTagAttribute attribute)) {
            return List.of();
        }
        try {
            return List.of(attribute.getAttributeTagValues());
        } catch (DicomException e) {
            return List.of();
        }
    }

    /** The Error Comment, or "" when none. */
    public String errorComment() {
        return Attribute.getSingleStringValueOrEmptyString(attributes, TagFromName.ErrorComment);
    }

    public int priority() {
        return Attribute.getSingleIntegerValueOrDefault(attributes, TagFromName.Priority, PRIORITY_MEDIUM);
    }

    /** For a C-STORE sub-operation of a C-MOVE, the AE title that asked for the move; "" otherwise. */
    public String moveOriginatorAeTitle() {
        return Attribute.getSingleStringValueOrEmptyString(attributes, TagFromName.MoveOriginatorApplicationEntityTitle);
    }

    /**
     * The operation a command field names, as a word for messages: "store" for C-STORE-RQ, "action" for
     * N-ACTION-RQ, "process" for a command this class has no name for.
     */
    public static String operationName(int commandField) {
        String name = commandName(commandField & ~RESPONSE_BIT);
        if (!name.startsWith("C-") && !name.startsWith("N-")) {
            return "process";
        }
        return name.substring(2, name.length() - "-RQ".length()).toLowerCase(Locale.ROOT);
    }

    public static String commandName(int commandField) {
        String name = switch (commandField & ~RESPONSE_BIT) {
            case C_STORE_RQ -> "C-STORE";
            case C_GET_RQ -> "C-GET";
            case C_FIND_RQ -> "C-FIND";
            case C_MOVE_RQ -> "C-MOVE";
            case C_ECHO_RQ -> "C-ECHO";
            case C_CANCEL_RQ -> "C-CANCEL";
            case 0x0100 -> "N-EVENT-REPORT";
            case 0x0110 -> "N-GET";
            case 0x0120 -> "N-SET";
            case 0x0130 -> "N-ACTION";
            case 0x0140 -> "N-CREATE";
            case 0x0150 -> "N-DELETE";
            default -> String.format("command 0x%04X", commandField & ~RESPONSE_BIT);
        };
        return name + ((commandField & RESPONSE_BIT) != 0 ? "-RSP" : "-RQ");
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(commandName(commandField()));
        if (isRequest()) {
            s.append(" #").append(messageId());
        } else {
            s.append(" to #").append(messageIdBeingRespondedTo()).append(String.format(" status 0x%04X", status()));
        }
        String sopClass = affectedSopClassUid();
        if (!sopClass.isEmpty()) {
            String description = SOPClassDescriptions.getDescriptionFromUID(sopClass);
            s.append(' ').append(description == null || description.isEmpty() ? sopClass : description);
        }
        if (!affectedSopInstanceUid().isEmpty()) {
            s.append(' ').append(affectedSopInstanceUid());
        }
        return s.toString();
    }

    private static Attribute unsignedLong(AttributeTag tag, long value) throws DicomException {
        Attribute attribute = new UnsignedLongAttribute(tag);
        attribute.addValue(value);
        return attribute;
    }

    /** Builds a command set; PixelMed only throws here for values that do not fit their VR, which is a bug. */
    private static final class Builder {
        private final AttributeList list = new AttributeList();

        Builder(int commandField) {
            us(TagFromName.CommandField, commandField);
        }

        Builder us(AttributeTag tag, int value) {
            return put(new UnsignedShortAttribute(tag), value, a -> a.addValue(value));
        }

        Builder uid(AttributeTag tag, String value) {
            return put(new UniqueIdentifierAttribute(tag), value, a -> a.addValue(value));
        }

        Builder lo(AttributeTag tag, String value) {
            return put(new LongStringAttribute(tag), value, a -> a.addValue(value));
        }

        Builder at(AttributeTag tag, List<AttributeTag> values) {
            AttributeTagAttribute attribute = new AttributeTagAttribute(tag);
            return put(attribute, values, a -> {
                for (AttributeTag value : values) {
                    attribute.addValue(value);
                }
            });
        }

        /** Adds the values to the attribute and the attribute to the command set. */
        private Builder put(Attribute attribute, Object shown, Values values) {
            try {
                values.addTo(attribute);
                list.put(attribute);
            } catch (DicomException e) {
                throw new IllegalArgumentException(attribute.getTag() + " = " + shown, e);
            }
            return this;
        }

        private interface Values {
            void addTo(Attribute attribute) throws DicomException;
        }

        Command build() {
            return new Command(list);
        }
    }
}
