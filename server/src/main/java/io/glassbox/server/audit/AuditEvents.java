package io.glassbox.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.glassbox.server.audit.AuditEvent.Participant;
import io.glassbox.server.audit.AuditEvent.ParticipantObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The audit messages Glassbox sends, one factory per kind, following PS3.15 A.5.3 for the participants and
 * objects each carries. Glassbox itself appears as the participant {@link #self}: its AE title, process id and host.
 */
public final class AuditEvents {

    private static final String HOST = hostName();
    private static final String PROCESS = Long.toString(ProcessHandle.current().pid());

    private AuditEvents() {
    }

    /** Glassbox as an active participant in {@code role} (not the requestor). */
    public static Participant self(String aeTitle, Code role) {
        return new Participant(aeTitle, PROCESS, false, HOST, role);
    }

    /** A user or peer that asked for the event. */
    public static Participant requestor(String userId, String address, Code role) {
        return new Participant(userId, null, true, address, role);
    }

    /** Application Activity (A.5.3.1): Glassbox started or stopped. */
    static AuditEvent applicationActivity(Code startOrStop, String aeTitle) {
        return new AuditEvent(Instant.now(), AuditCodes.APPLICATION_ACTIVITY, List.of(startOrStop),
                AuditCodes.EXECUTE, AuditCodes.SUCCESS, null,
                List.of(self(aeTitle, AuditCodes.ROLE_APPLICATION),
                        requestor(System.getProperty("user.name", "unknown"), HOST, AuditCodes.ROLE_APPLICATION_LAUNCHER)),
                List.of());
    }

    /**
     * DICOM Instances Transferred (A.5.3.4) into Glassbox: one C-STORE association or one STOW-RS request, with
     * every instance it stored ({@code stored}: study → SOP class → SOP instances).
     */
    public static AuditEvent instancesReceived(Participant source, Participant destination,
                                               Map<String, Map<String, List<String>>> stored, int outcome,
                                               String outcomeDescription) {
        return new AuditEvent(Instant.now(), AuditCodes.INSTANCES_TRANSFERRED, List.of(), AuditCodes.CREATE, outcome,
                outcomeDescription, List.of(source, destination), studies(stored));
    }

    /** DICOM Instances Transferred (A.5.3.4) out of Glassbox: WADO-RS retrieval, forwarding to a PACS. */
    public static AuditEvent instancesSent(Participant source, Participant destination,
                                           Map<String, Map<String, List<String>>> sent, int outcome,
                                           String outcomeDescription) {
        return new AuditEvent(Instant.now(), AuditCodes.INSTANCES_TRANSFERRED, List.of(), AuditCodes.READ, outcome,
                outcomeDescription, List.of(source, destination), studies(sent));
    }

    /** DICOM Instances Accessed (A.5.3.3): a study's content (its AI results) read for review. */
    public static AuditEvent instancesAccessed(Participant user, String aeTitle, String studyUid, int outcome,
                                               String outcomeDescription) {
        return new AuditEvent(Instant.now(), AuditCodes.INSTANCES_ACCESSED, List.of(), AuditCodes.READ, outcome,
                outcomeDescription, List.of(user, self(aeTitle, null)),
                List.of(ParticipantObject.study(studyUid, Map.of())));
    }

    /** Query (A.5.3.9): a QIDO-RS search, the query as sent; the study when the search was within one. */
    public static AuditEvent query(Participant user, String aeTitle, String query, String studyUid, int outcome,
                                   String outcomeDescription) {
        List<ParticipantObject> objects = new ArrayList<>();
        objects.add(ParticipantObject.query(AuditCodes.STUDY_ROOT_FIND, query));
        if (studyUid != null) {
            objects.add(ParticipantObject.study(studyUid, Map.of()));
        }
        return new AuditEvent(Instant.now(), AuditCodes.QUERY, List.of(), AuditCodes.EXECUTE, outcome,
                outcomeDescription, List.of(user, self(aeTitle, null)), objects);
    }

    /** Security Alert (A.5.3.11), Software Configuration: a configuration changed (or a change refused). */
    public static AuditEvent configurationChange(Participant user, String aeTitle, String resourceUri,
                                                 String description, int outcome) {
        return new AuditEvent(Instant.now(), AuditCodes.SECURITY_ALERT, List.of(AuditCodes.SOFTWARE_CONFIGURATION),
                AuditCodes.EXECUTE, outcome, outcome == AuditCodes.SUCCESS ? null : description,
                List.of(user, self(aeTitle, null)), List.of(ParticipantObject.resource(resourceUri, description)));
    }

    /** Security Alert (A.5.3.11), Node Authentication: a DICOM association refused. */
    public static AuditEvent associationRefused(String callingAeTitle, String remoteAddress, String aeTitle,
                                                String reason) {
        return new AuditEvent(Instant.now(), AuditCodes.SECURITY_ALERT, List.of(AuditCodes.NODE_AUTHENTICATION),
                AuditCodes.EXECUTE, AuditCodes.MINOR_FAILURE, reason,
                List.of(requestor(callingAeTitle, withoutPort(remoteAddress), null), self(aeTitle, null)),
                List.of(ParticipantObject.node(withoutPort(remoteAddress), reason)));
    }

    /** Security Alert, Audit Recording Stopped: audit events were lost, or the chain does not match its head. */
    static AuditEvent auditTrailAlert(String aeTitle, String description) {
        return new AuditEvent(Instant.now(), AuditCodes.SECURITY_ALERT, List.of(AuditCodes.AUDIT_RECORDING_STOPPED),
                AuditCodes.EXECUTE, AuditCodes.SERIOUS_FAILURE, description,
                List.of(self(aeTitle, AuditCodes.ROLE_APPLICATION)), List.of());
    }

    /** Glassbox's AI inference record: one analysis, carried whole, with the study it analysed. */
    static AuditEvent aiInference(String aeTitle, String studyUid, String analysisId, JsonNode record,
                                  Instant finished) {
        return new AuditEvent(finished, AuditCodes.AI_INFERENCE, List.of(), AuditCodes.EXECUTE, AuditCodes.SUCCESS,
                null, List.of(self(aeTitle, AuditCodes.ROLE_APPLICATION)),
                List.of(ParticipantObject.study(studyUid, Map.of()), ParticipantObject.aiRecord(analysisId, record)));
    }

    private static List<ParticipantObject> studies(Map<String, Map<String, List<String>>> byStudy) {
        List<ParticipantObject> objects = new ArrayList<>();
        byStudy.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> objects.add(ParticipantObject.study(e.getKey(), e.getValue())));
        return objects;
    }

    /** The address part of "address:port" (a DICOM peer's socket address), for a NetworkAccessPointID. */
    public static String withoutPort(String socketAddress) {
        int colon = socketAddress == null ? -1 : socketAddress.lastIndexOf(':');
        return colon < 0 ? socketAddress : socketAddress.substring(0, colon);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
