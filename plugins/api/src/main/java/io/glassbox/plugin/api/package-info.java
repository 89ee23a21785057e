/**
 * The contract between the Glassbox server and a diagnostic plugin.
 *
 * <p>Plain Java on purpose: no Quarkus, DJL or PixelMed type appears in a signature, so that a plugin built
 * against this package keeps working when the host changes its frameworks, and the host can load each plugin
 * in its own class loader with only this package shared.
 *
 * <p>The life of a plugin: the host finds it through {@link java.util.ServiceLoader} as a
 * {@link io.glassbox.plugin.api.DiagnosticPlugin}, reads its {@link io.glassbox.plugin.api.PluginManifest}
 * (cheap, no native code), then {@link io.glassbox.plugin.api.DiagnosticPlugin#open opens} it with a
 * configuration and a device, calls {@link io.glassbox.plugin.api.DiagnosticPlugin#analyse analyse} with
 * batches of {@link io.glassbox.plugin.api.DecodedImage decoded images}, and finally closes it.
 */
package io.glassbox.plugin.api;
