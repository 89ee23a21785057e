package io.glassbox.server.audit;

/**
 * The audit vocabulary Glassbox uses: the DICOM event IDs and event type codes (PS3.16 CID 400 and 401), the
 * active participant role codes (CID 402) and participant object ID types (CID 404 and RFC 3881), plus the one
 * event DICOM has no code for, Glassbox's AI inference record.
 */
public final class AuditCodes {
    private AuditCodes() {
    }

    // Event IDs (EventID)
    public static final Code APPLICATION_ACTIVITY = Code.dcm("110100", "Application Activity");
    public static final Code INSTANCES_ACCESSED = Code.dcm("110103", "DICOM Instances Accessed");
    public static final Code INSTANCES_TRANSFERRED = Code.dcm("110104", "DICOM Instances Transferred");
    public static final Code QUERY = Code.dcm("110112", "Query");
    public static final Code SECURITY_ALERT = Code.dcm("110113", "Security Alert");
    /** Not a DICOM event: one analysis by a diagnostic plugin, what it saw, said and how it explained it. */
    public static final Code AI_INFERENCE = new Code("AI-INFERENCE", "99GLASSBOX", "AI Inference");

    // Event type codes (EventTypeCode)
    public static final Code APPLICATION_START = Code.dcm("110120", "Application Start");
    public static final Code APPLICATION_STOP = Code.dcm("110121", "Application Stop");
    public static final Code NODE_AUTHENTICATION = Code.dcm("110126", "Node Authentication");
    public static final Code SOFTWARE_CONFIGURATION = Code.dcm("110131", "Software Configuration");
    public static final Code AUDIT_RECORDING_STOPPED = Code.dcm("110133", "Audit Recording Stopped");

    // Active participant roles (RoleIDCode)
    public static final Code ROLE_APPLICATION = Code.dcm("110150", "Application");
    public static final Code ROLE_APPLICATION_LAUNCHER = Code.dcm("110151", "Application Launcher");
    public static final Code ROLE_DESTINATION = Code.dcm("110152", "Destination Role ID");
    public static final Code ROLE_SOURCE = Code.dcm("110153", "Source Role ID");

    // Participant object ID types (ParticipantObjectIDTypeCode)
    public static final Code ID_PATIENT_NUMBER = Code.rfc3881("2", "Patient Number");
    public static final Code ID_URI = Code.rfc3881("12", "URI");
    public static final Code ID_STUDY_INSTANCE_UID = Code.dcm("110180", "Study Instance UID");
    public static final Code ID_SOP_CLASS_UID = Code.dcm("110181", "SOP Class UID");
    public static final Code ID_NODE = Code.dcm("110182", "Node ID");
    public static final Code ID_AI_RECORD = new Code("AI-RECORD", "99GLASSBOX", "AI Inference Record");

    // Event action codes (EventActionCode)
    public static final String CREATE = "C";
    public static final String READ = "R";
    public static final String UPDATE = "U";
    public static final String DELETE = "D";
    public static final String EXECUTE = "E";

    // Event outcome indicators (EventOutcomeIndicator)
    public static final int SUCCESS = 0;
    public static final int MINOR_FAILURE = 4;
    public static final int SERIOUS_FAILURE = 8;
    public static final int MAJOR_FAILURE = 12;

    // Participant object type codes and roles
    public static final int TYPE_PERSON = 1;
    public static final int TYPE_SYSTEM_OBJECT = 2;
    public static final int ROLE_PATIENT = 1;
    public static final int ROLE_REPORT = 3;
    public static final int ROLE_JOB = 20;
    public static final int ROLE_QUERY = 24;
    public static final int ROLE_SECURITY_RESOURCE = 13;

    /** Study Root Query/Retrieve Information Model - FIND: the SOP class a QIDO-RS search stands for. */
    public static final String STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1";
}
