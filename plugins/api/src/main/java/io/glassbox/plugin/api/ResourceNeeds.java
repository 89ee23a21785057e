package io.glassbox.plugin.api;

import java.util.Set;

/**
 * What a plugin needs to run.
 *
 * @param devices the device kinds it can run on
 * @param memoryBytes the memory one open instance needs at its preferred batch size (weights, activations,
 *     native buffers), for the host's admission control
 * @param preferredBatchSize the batch size it runs most efficiently at
 */
public record ResourceNeeds(Set<ComputeDevice.Kind> devices, long memoryBytes, int preferredBatchSize) {

    public ResourceNeeds {
        devices = Set.copyOf(devices);
    }
}
