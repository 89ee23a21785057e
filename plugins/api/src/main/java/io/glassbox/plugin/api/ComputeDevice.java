package io.glassbox.plugin.api;

import java.util.Locale;

/** Where a plugin runs: the CPU, or one GPU by index. Configuration, never a code change. */
public record ComputeDevice(Kind kind, int index) {

    public enum Kind { CPU, GPU }

    public ComputeDevice {
        if (kind == null) {
            throw new IllegalArgumentException("device kind is required");
        }
        if (kind == Kind.CPU && index != 0) {
            throw new IllegalArgumentException("the CPU has no index other than 0");
        }
        if (index < 0) {
            throw new IllegalArgumentException("GPU index must be 0 or more, was " + index);
        }
    }

    public static ComputeDevice cpu() {
        return new ComputeDevice(Kind.CPU, 0);
    }

    public static ComputeDevice gpu(int index) {
        return new ComputeDevice(Kind.GPU, index);
    }

    /** Parses {@code cpu}, {@code gpu} (index 0) or {@code gpu:N}, as written in configuration. */
    public static ComputeDevice parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("cpu")) {
            return cpu();
        }
        if (value.equals("gpu")) {
            return gpu(0);
        }
        if (value.startsWith("gpu:")) {
            try {
                return gpu(Integer.parseInt(value.substring(4)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a GPU index: '" + text + "'", e);
            }
        }
        throw new IllegalArgumentException("device must be 'cpu', 'gpu' or 'gpu:N', was '" + text + "'");
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "gpu:" + index;
    }
}
