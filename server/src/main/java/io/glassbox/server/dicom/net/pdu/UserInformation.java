package io.glassbox.server.dicom.net.pdu;

import java.util.ArrayList;
import java.util.List;

/**
 * The User Information item of an A-ASSOCIATE-RQ/AC (PS3.8 D.1, PS3.7 D.3.3). Sub-items this implementation
 * does not negotiate (extended negotiation, user identity) are skipped when parsed.
 *
 * @param maxPduLength              largest P-DATA-TF variable field the sender receives; 0 means no limit
 * @param implementationClassUid    the sender's Implementation Class UID ("" when absent, which is non-conformant)
 * @param implementationVersionName the sender's Implementation Version Name, or null
 * @param asyncOperations           the asynchronous operations window, or null when not negotiated
 * @param roleSelections            SCP/SCU role selection sub-items, in order
 */
public record UserInformation(
        long maxPduLength,
        String implementationClassUid,
        String implementationVersionName,
        AsyncOperationsWindow asyncOperations,
        List<RoleSelection> roleSelections) {

    static final int ITEM_TYPE = 0x50;
    private static final int MAX_LENGTH = 0x51;
    private static final int IMPLEMENTATION_CLASS_UID = 0x52;
    private static final int ASYNC_OPERATIONS_WINDOW = 0x53;
    private static final int ROLE_SELECTION = 0x54;
    private static final int IMPLEMENTATION_VERSION_NAME = 0x55;

    public UserInformation {
        roleSelections = List.copyOf(roleSelections);
    }

    /** Maximum operations invoked / performed asynchronously; 1/1 is the default synchronous mode. */
    public record AsyncOperationsWindow(int maxOperationsInvoked, int maxOperationsPerformed) {
    }

    /** Whether the sender proposes (or, in an AC, accepts) to act as SCU and as SCP for a SOP class. */
    public record RoleSelection(String sopClassUid, boolean scuRole, boolean scpRole) {
    }

    void writeTo(PduBuilder out) {
        int item = out.beginItem(ITEM_TYPE);
        out.u8(MAX_LENGTH).u8(0).u16(4).u32(maxPduLength);
        out.textItem(IMPLEMENTATION_CLASS_UID, implementationClassUid);
        if (asyncOperations != null) {
            out.u8(ASYNC_OPERATIONS_WINDOW).u8(0).u16(4)
                    .u16(asyncOperations.maxOperationsInvoked()).u16(asyncOperations.maxOperationsPerformed());
        }
        for (RoleSelection role : roleSelections) {
            int sub = out.beginItem(ROLE_SELECTION);
            byte[] uid = role.sopClassUid().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            out.u16(uid.length).bytes(uid).u8(role.scuRole() ? 1 : 0).u8(role.scpRole() ? 1 : 0);
            out.endItem(sub);
        }
        if (implementationVersionName != null) {
            out.textItem(IMPLEMENTATION_VERSION_NAME, implementationVersionName);
        }
        out.endItem(item);
    }

    static UserInformation parse(ByteReader in) throws DicomProtocolException {
        long maxPduLength = 0;
        String classUid = "";
        String versionName = null;
        AsyncOperationsWindow async = null;
        List<RoleSelection> roles = new ArrayList<>();
        while (in.hasRemaining()) {
            int type = in.u8();
            in.skip(1);
            ByteReader value = in.slice(in.u16());
            switch (type) {
                case MAX_LENGTH -> maxPduLength = value.u32();
                case IMPLEMENTATION_CLASS_UID -> classUid = value.text(value.remaining());
                case IMPLEMENTATION_VERSION_NAME -> versionName = value.text(value.remaining());
                case ASYNC_OPERATIONS_WINDOW -> async = new AsyncOperationsWindow(value.u16(), value.u16());
                case ROLE_SELECTION -> {
                    String uid = value.text(value.u16());
                    roles.add(new RoleSelection(uid, value.u8() == 1, value.u8() == 1));
                }
                default -> {
                    // extended negotiation, user identity, ...: not negotiated by us, so not answered
                }
            }
        }
        return new UserInformation(maxPduLength, classUid, versionName, async, roles);
    }
}
