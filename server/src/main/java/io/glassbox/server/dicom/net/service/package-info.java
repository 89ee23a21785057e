/**
 * The DIMSE services of Glassbox's application entity, on top of {@code io.glassbox.server.dicom.net.assoc}.
 *
 * <p>{@link io.glassbox.server.dicom.net.service.DimseServiceRegistry} holds the services, registered by command and SOP
 * class (C-ECHO {@link io.glassbox.server.dicom.net.service.VerificationService}, C-STORE
 * {@link io.glassbox.server.dicom.net.service.StorageService} handing data sets to a
 * {@link io.glassbox.server.dicom.net.service.StoreHandler}), and writes every failure response in one place: a service
 * throws a {@link io.glassbox.server.dicom.net.service.DimseException} carrying the status, Error Comment and Offending
 * Element. A new service is one {@link io.glassbox.server.dicom.net.service.DimseService} class and its registration.
 * Nothing here knows Quarkus; {@code io.glassbox.server.ingest.DicomListener} wires it to the application.
 */
package io.glassbox.server.dicom.net.service;
