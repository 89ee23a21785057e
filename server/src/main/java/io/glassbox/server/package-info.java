/** The Glassbox server: one package per capability (ingest, store, index, dicomweb, …). */
package io.glassbox.server;
