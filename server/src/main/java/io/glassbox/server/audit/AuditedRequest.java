package io.glassbox.server.audit;

import jakarta.enterprise.context.RequestScoped;

/**
 * What an {@link Audited} request concerned beyond its path: the instances a STOW-RS request stored and the objects
 * it refused. Filled by the resource, read by {@link HttpAudit} when it writes the request's audit message.
 */
@RequestScoped
public class AuditedRequest extends TransferredInstances {
}
