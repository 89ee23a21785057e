package io.glassbox.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One audit message before it is chained: what happened (event ID, type, action, outcome), who took part (active
 * participants) and what it concerned (participant objects), in the terms of PS3.15 A.5. The doors build these
 * ({@link AuditEvents}) and hand them to the {@link AuditWriter}; the writer adds the sequence number and the patient
 * of every study object, and chains it.
 *
 * @param outcomeDescription why it failed, or null
 */
public record AuditEvent(Instant time, Code eventId, List<Code> eventTypes, String action, int outcome,
                         String outcomeDescription, List<Participant> participants, List<ParticipantObject> objects) {

    public AuditEvent {
        eventTypes = List.copyOf(eventTypes);
        participants = List.copyOf(participants);
        objects = List.copyOf(objects);
    }

    /** The same event with more participant objects. */
    AuditEvent withObjects(List<ParticipantObject> more) {
        List<ParticipantObject> all = new ArrayList<>(objects);
        all.addAll(more);
        return new AuditEvent(time, eventId, eventTypes, action, outcome, outcomeDescription, participants, all);
    }

    /**
     * An active participant: a person or process that took part.
     *
     * @param userId             user name, or AE title for a DICOM peer
     * @param alternativeUserId  e.g. the process id of this server, or null
     * @param requestor          whether it started the event
     * @param networkAccessPoint its IP address or host name, or null
     * @param role               its role (source, destination, application), or null
     */
    public record Participant(String userId, String alternativeUserId, boolean requestor, String networkAccessPoint,
                              Code role) {
    }

    /**
     * A participant object: a patient, a study with its instances, a query, a configured resource, an AI record.
     *
     * @param idType    what kind of identifier {@code id} is (ParticipantObjectIDTypeCode)
     * @param type      ParticipantObjectTypeCode (1 person, 2 system object), or null
     * @param role      ParticipantObjectTypeCodeRole (1 patient, 3 report, 24 query, ...), or null
     * @param name      ParticipantObjectName, or null
     * @param query     the query as sent (ParticipantObjectQuery, base64 in the XML form), or null
     * @param details   ParticipantObjectDetail type/value pairs, in key order
     * @param instances for a study: the SOP Instance UIDs concerned, by SOP Class UID
     * @param content   a structured record carried with the object (the AI inference record), or null
     */
    public record ParticipantObject(Code idType, String id, Integer type, Integer role, String name, String query,
                                    SortedMap<String, String> details, SortedMap<String, List<String>> instances,
                                    JsonNode content) {

        public ParticipantObject {
            details = new TreeMap<>(details);
            instances = new TreeMap<>(instances);
        }

        public static ParticipantObject patient(String patientId, String patientName) {
            return new ParticipantObject(AuditCodes.ID_PATIENT_NUMBER, patientId, AuditCodes.TYPE_PERSON,
                    AuditCodes.ROLE_PATIENT, emptyToNull(patientName), null, new TreeMap<>(), new TreeMap<>(), null);
        }

        /** A study and, when known, the instances of it the event concerned ({@code instances} by SOP class). */
        public static ParticipantObject study(String studyUid, Map<String, List<String>> instances) {
            TreeMap<String, List<String>> sorted = new TreeMap<>();
            instances.forEach((sopClass, uids) -> sorted.put(sopClass, uids.stream().sorted().distinct().toList()));
            return new ParticipantObject(AuditCodes.ID_STUDY_INSTANCE_UID, studyUid, AuditCodes.TYPE_SYSTEM_OBJECT,
                    AuditCodes.ROLE_REPORT, null, null, new TreeMap<>(), sorted, null);
        }

        public static ParticipantObject query(String sopClassUid, String query) {
            return new ParticipantObject(AuditCodes.ID_SOP_CLASS_UID, sopClassUid, AuditCodes.TYPE_SYSTEM_OBJECT,
                    AuditCodes.ROLE_QUERY, null, query, new TreeMap<>(), new TreeMap<>(), null);
        }

        /** A resource named by its URI (a configuration changed, a route refused), with a description. */
        public static ParticipantObject resource(String uri, String description) {
            TreeMap<String, String> details = new TreeMap<>();
            if (description != null) {
                details.put("Alert Description", description);
            }
            return new ParticipantObject(AuditCodes.ID_URI, uri, AuditCodes.TYPE_SYSTEM_OBJECT,
                    AuditCodes.ROLE_SECURITY_RESOURCE, null, null, details, new TreeMap<>(), null);
        }

        /** A network node (a DICOM peer's address), for alerts about it. */
        public static ParticipantObject node(String address, String description) {
            TreeMap<String, String> details = new TreeMap<>();
            details.put("Alert Description", description);
            return new ParticipantObject(AuditCodes.ID_NODE, address, AuditCodes.TYPE_SYSTEM_OBJECT,
                    AuditCodes.ROLE_SECURITY_RESOURCE, null, null, details, new TreeMap<>(), null);
        }

        /** An AI inference record, carried whole. */
        public static ParticipantObject aiRecord(String analysisId, JsonNode record) {
            return new ParticipantObject(AuditCodes.ID_AI_RECORD, analysisId, AuditCodes.TYPE_SYSTEM_OBJECT,
                    AuditCodes.ROLE_JOB, null, null, new TreeMap<>(), new TreeMap<>(), record);
        }

        boolean isStudy() {
            return idType.equals(AuditCodes.ID_STUDY_INSTANCE_UID);
        }

        boolean isPatient() {
            return idType.equals(AuditCodes.ID_PATIENT_NUMBER);
        }

        private static String emptyToNull(String s) {
            return s == null || s.isEmpty() ? null : s;
        }
    }
}
