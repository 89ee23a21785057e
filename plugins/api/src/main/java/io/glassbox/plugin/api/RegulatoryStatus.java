package io.glassbox.plugin.api;

/** What a plugin's output may be used for; shown next to every result. */
public enum RegulatoryStatus {
    /** Research or demonstration only: not a medical device, not for diagnosis. */
    NOT_A_MEDICAL_DEVICE,
    /** Placed on the market as a medical device under the regulation its intended-use text names. */
    MEDICAL_DEVICE
}
