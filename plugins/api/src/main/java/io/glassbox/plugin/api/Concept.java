package io.glassbox.plugin.api;

/**
 * A coded concept as DICOM writes one (PS3.3 8.8): what a finding class means, so that the host can code it in
 * a Structured Report instead of repeating the plugin's words. Use a standard scheme where one fits (SCT for
 * SNOMED CT, DCM); a plugin's own codes use a local scheme whose designator starts with {@code 99} (PS3.16 8.2).
 *
 * @param codeValue the code, 1–16 characters
 * @param codingScheme the coding scheme designator, 1–16 characters ({@code SCT}, {@code 99ACME})
 * @param codeMeaning what it means in words, 1–64 characters
 */
public record Concept(String codeValue, String codingScheme, String codeMeaning) {

    /** Why this concept cannot be written into DICOM, or null when it can. */
    String problem() {
        if (codeValue == null || codeValue.isBlank() || codeValue.length() > 16) {
            return "code value must have 1 to 16 characters, was '" + codeValue + "'";
        }
        if (codingScheme == null || codingScheme.isBlank() || codingScheme.length() > 16) {
            return "coding scheme must have 1 to 16 characters, was '" + codingScheme + "'";
        }
        if (codeMeaning == null || codeMeaning.isBlank() || codeMeaning.length() > 64) {
            return "code meaning must have 1 to 64 characters, was '" + codeMeaning + "'";
        }
        return null;
    }
}
