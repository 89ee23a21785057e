package io.glassbox.plugin.api;

/** A plugin could not open or analyse; the message says why in words an operator can act on. */
public class PluginException extends Exception {

    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
