package io.glassbox.server.plugins;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /api/plugins}: every plugin found, with its manifest, status and load errors. */
@Path("/api/plugins")
public class PluginsResource {

    private final PluginRegistry registry;

    public PluginsResource(PluginRegistry registry) {
        this.registry = registry;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<PluginView> list() {
        return registry.all().stream().map(PluginView::of).toList();
    }
}
