package io.glassbox.plugin.api;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which images a plugin accepts. An empty set accepts any value of that attribute; the comparison of
 * modalities and body parts ignores case (DICOM code strings are upper case, people write either).
 *
 * @param modalities DICOM Modality values ({@code CT}, {@code CR}, …)
 * @param sopClassUids SOP Class UIDs
 * @param bodyParts Body Part Examined values ({@code HEAD}, {@code CHEST}, …)
 */
public record Acceptance(Set<String> modalities, Set<String> sopClassUids, Set<String> bodyParts,
                         ImageKind imageKind) {

    public Acceptance {
        modalities = upper(modalities);
        sopClassUids = Set.copyOf(sopClassUids);
        bodyParts = upper(bodyParts);
    }

    /** Whether an image with these attribute values (any may be null when absent) is accepted. */
    public boolean accepts(String modality, String sopClassUid, String bodyPart) {
        return matches(modalities, modality == null ? null : modality.trim().toUpperCase(Locale.ROOT))
                && matches(sopClassUids, sopClassUid == null ? null : sopClassUid.trim())
                && matches(bodyParts, bodyPart == null ? null : bodyPart.trim().toUpperCase(Locale.ROOT));
    }

    private static boolean matches(Set<String> allowed, String value) {
        return allowed.isEmpty() || (value != null && allowed.contains(value));
    }

    private static Set<String> upper(Set<String> values) {
        return values.stream().map(v -> v.trim().toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
