package io.glassbox.server.audit;

import io.glassbox.server.audit.AuditEvent.Participant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instances one transfer (a C-STORE association, a STOW-RS request) stored and the objects it refused,
 * gathered as it goes and written as one DICOM Instances Transferred message at its end.
 */
public class TransferredInstances {

    private final Map<String, Map<String, List<String>>> instances = new LinkedHashMap<>();
    private int stored;
    private int refused;
    private String refusedReason;

    /** An instance stored. */
    public void instance(String studyUid, String sopClassUid, String sopInstanceUid) {
        instances.computeIfAbsent(studyUid, s -> new LinkedHashMap<>())
                .computeIfAbsent(sopClassUid == null ? "" : sopClassUid, c -> new ArrayList<>()).add(sopInstanceUid);
        stored++;
    }

    /** An object refused, and why (the first reason is kept). */
    public void refused(String reason) {
        if (refused++ == 0) {
            refusedReason = reason;
        }
    }

    public boolean isEmpty() {
        return stored == 0 && refused == 0;
    }

    /**
     * The transfer's message. With refusals the outcome follows from them; without, it is {@code outcome} (what the
     * door answered) with {@code failure} as its description.
     */
    public AuditEvent received(Participant source, Participant destination, int outcome, String failure) {
        if (refused > 0) {
            return AuditEvents.instancesReceived(source, destination, instances,
                    stored == 0 ? AuditCodes.SERIOUS_FAILURE
                            : AuditCodes.MINOR_FAILURE,
                    refused + " of " + (stored + refused) + " objects refused, the first because: " + refusedReason);
        }
        return AuditEvents.instancesReceived(source, destination, instances, outcome, failure);
    }
}
