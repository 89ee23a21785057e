package io.glassbox.server.worklist;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the worklist's event stream. */
@ConfigMapping(prefix = "glassbox.worklist")
public interface WorklistConfig {

    /** How often, while a client listens, the stream looks for studies whose jobs or instances changed. */
    @WithDefault("1000")
    int eventPollMillis();

    /** How often an idle stream sends a comment, so that proxies and browsers keep it open. */
    @WithDefault("15")
    int heartbeatSeconds();
}
