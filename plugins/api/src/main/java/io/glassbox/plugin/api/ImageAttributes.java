package io.glassbox.plugin.api;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The DICOM attributes of one image that a plugin may need, keyed by their DICOM keyword ({@code Modality},
 * {@code PixelSpacing}, {@code WindowCenter}, …), each with its values as text in DICOM's own order
 * (multi-valued attributes have several). The host copies them from the object's data set; a plugin never sees
 * a DICOM library type.
 */
public final class ImageAttributes {

    private static final ImageAttributes EMPTY = new ImageAttributes(Map.of());

    private final Map<String, List<String>> values;

    private ImageAttributes(Map<String, List<String>> values) {
        this.values = values;
    }

    public static ImageAttributes empty() {
        return EMPTY;
    }

    public static ImageAttributes of(Map<String, List<String>> values) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((keyword, list) -> copy.put(keyword, List.copyOf(list)));
        return new ImageAttributes(java.util.Collections.unmodifiableMap(copy));
    }

    /** A copy with one attribute set (replacing any previous values). */
    public ImageAttributes with(String keyword, String... attributeValues) {
        Map<String, List<String>> copy = new LinkedHashMap<>(values);
        copy.put(keyword, Arrays.asList(attributeValues));
        return of(copy);
    }

    public Map<String, List<String>> asMap() {
        return values;
    }

    public List<String> strings(String keyword) {
        return values.getOrDefault(keyword, List.of());
    }

    /** The first value, if the attribute is present and not empty. */
    public Optional<String> string(String keyword) {
        return strings(keyword).stream().filter(v -> !v.isBlank()).findFirst().map(String::trim);
    }

    /** The first value as a number, if present. */
    public Optional<Double> number(String keyword) {
        Optional<String> text = string(keyword);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Double.parseDouble(text.get()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(keyword + " is not a number: '" + text.get() + "'", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ImageAttributes that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
