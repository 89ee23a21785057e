package io.glassbox.plugin.api;

import java.util.Map;
import java.util.Optional;

/**
 * Settings the operator gives one plugin (from the server's configuration), as text. A plugin documents the
 * keys it reads; unknown keys are ignored.
 */
public record PluginConfiguration(Map<String, String> settings) {

    public PluginConfiguration {
        settings = Map.copyOf(settings);
    }

    public static PluginConfiguration empty() {
        return new PluginConfiguration(Map.of());
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    public int getInt(String key, int defaultValue) {
        String value = settings.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " must be an integer, was '" + value + "'", e);
        }
    }
}
