/**
 * The DICOM upper layer (PS3.8) and message exchange (PS3.7), owned here on top of PixelMed's data classes.
 *
 * <p>Layers, bottom up:
 * <ul>
 *   <li>PDU codec: {@link io.glassbox.server.dicom.net.AssociateRequest}, {@link io.glassbox.server.dicom.net.AssociateAccept},
 *       {@link io.glassbox.server.dicom.net.AssociateReject}, {@link io.glassbox.server.dicom.net.Abort} (each encodes and
 *       parses itself, so both the accepting and a future requesting side use the same code);</li>
 *   <li>{@link io.glassbox.server.dicom.net.Association}: an established association, role-agnostic: reads DIMSE
 *       messages (the data set streams as its fragments arrive), sends messages fragmented to the peer's maximum PDU
 *       length, releases and aborts;</li>
 *   <li>{@link io.glassbox.server.dicom.net.DimseServiceRegistry}: DIMSE services registered by command and SOP class
 *       (C-ECHO {@link io.glassbox.server.dicom.net.VerificationService}, C-STORE
 *       {@link io.glassbox.server.dicom.net.StorageService});</li>
 *   <li>{@link io.glassbox.server.dicom.net.AssociationAcceptor}: the listening side: one configured address, a bounded
 *       worker pool, negotiation ({@link io.glassbox.server.dicom.net.AssociationNegotiator}), rejection over the limit.</li>
 * </ul>
 * Nothing here knows Quarkus; {@code io.glassbox.server.ingest.DicomListener} wires it to the application.
 */
package io.glassbox.server.dicom.net;
