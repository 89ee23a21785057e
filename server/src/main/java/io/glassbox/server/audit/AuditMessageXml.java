package io.glassbox.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Audit records as DICOM audit messages in XML (PS3.15 A.5.1): each record one {@code AuditMessage} element,
 * written from its canonical form. An export of several is wrapped in one {@code AuditMessages} element (the
 * standard defines the message, not a collection of them); each child is a message valid against the schema.
 */
public final class AuditMessageXml {

    private static final Pattern IP_ADDRESS = Pattern.compile("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");
    /** Application Server Process (PS3.15 A.5.1.2.1 Audit Source Type Code 4). */
    private static final String APPLICATION_SERVER = "4";

    private AuditMessageXml() {
    }

    /** Writes {@code records} (canonical forms) wrapped in {@code AuditMessages}, reported by {@code sourceId}. */
    public static void write(Iterable<JsonNode> records, String sourceId, OutputStream out) throws XMLStreamException {
        XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
        x.writeStartDocument("UTF-8", "1.0");
        x.writeStartElement("AuditMessages");
        for (JsonNode r : records) {
            message(x, r, sourceId);
        }
        x.writeEndElement();
        x.writeEndDocument();
        x.flush();
    }

    private static void message(XMLStreamWriter x, JsonNode r, String sourceId) throws XMLStreamException {
        JsonNode event = r.path("event");
        x.writeStartElement("AuditMessage");
        x.writeStartElement("EventIdentification");
        x.writeAttribute("EventActionCode", event.path("action").asText());
        x.writeAttribute("EventDateTime", event.path("dateTime").asText());
        x.writeAttribute("EventOutcomeIndicator", event.path("outcome").asText());
        code(x, "EventID", event.path("id"));
        for (JsonNode type : event.path("types")) {
            code(x, "EventTypeCode", type);
        }
        if (event.hasNonNull("outcomeDescription")) {
            x.writeStartElement("EventOutcomeDescription");
            x.writeCharacters(event.get("outcomeDescription").asText());
            x.writeEndElement();
        }
        x.writeEndElement();

        for (JsonNode p : r.path("participants")) {
            x.writeStartElement("ActiveParticipant");
            x.writeAttribute("UserID", p.path("userId").asText());
            if (p.hasNonNull("alternativeUserId")) {
                x.writeAttribute("AlternativeUserID", p.get("alternativeUserId").asText());
            }
            x.writeAttribute("UserIsRequestor", Boolean.toString(p.path("requestor").asBoolean()));
            if (p.hasNonNull("networkAccessPoint")) {
                String nap = p.get("networkAccessPoint").asText();
                x.writeAttribute("NetworkAccessPointID", nap);
                x.writeAttribute("NetworkAccessPointTypeCode", IP_ADDRESS.matcher(nap).matches() ? "2" : "1");
            }
            if (p.has("role")) {
                code(x, "RoleIDCode", p.get("role"));
            }
            x.writeEndElement();
        }

        x.writeStartElement("AuditSourceIdentification");
        x.writeAttribute("AuditSourceID", sourceId);
        x.writeEmptyElement("AuditSourceTypeCode");
        x.writeAttribute("csd-code", APPLICATION_SERVER);
        x.writeEndElement();

        for (JsonNode o : r.path("objects")) {
            object(x, o);
        }
        x.writeEndElement();
    }

    private static void object(XMLStreamWriter x, JsonNode o) throws XMLStreamException {
        x.writeStartElement("ParticipantObjectIdentification");
        x.writeAttribute("ParticipantObjectID", o.path("id").asText());
        if (o.has("type")) {
            x.writeAttribute("ParticipantObjectTypeCode", o.get("type").asText());
        }
        if (o.has("role")) {
            x.writeAttribute("ParticipantObjectTypeCodeRole", o.get("role").asText());
        }
        code(x, "ParticipantObjectIDTypeCode", o.path("idType"));
        // The schema asks for a name or a query: the query as sent, else the name, else the identifier itself.
        if (o.hasNonNull("query")) {
            x.writeStartElement("ParticipantObjectQuery");
            x.writeCharacters(base64(o.get("query").asText()));
        } else {
            x.writeStartElement("ParticipantObjectName");
            x.writeCharacters(o.hasNonNull("name") ? o.get("name").asText() : o.path("id").asText());
        }
        x.writeEndElement();
        for (Map.Entry<String, JsonNode> d : o.path("details").properties()) {
            detail(x, d.getKey(), d.getValue().asText());
        }
        if (o.has("content")) {
            detail(x, "GlassboxRecord", CanonicalForm.text(o.get("content")));
        }
        if (o.has("instances") && o.get("instances").size() > 0) {
            x.writeStartElement("ParticipantObjectDescription");
            for (Map.Entry<String, JsonNode> byClass : o.get("instances").properties()) {
                x.writeStartElement("SOPClass");
                if (!byClass.getKey().isEmpty()) {
                    x.writeAttribute("UID", byClass.getKey());
                }
                x.writeAttribute("NumberOfInstances", Integer.toString(byClass.getValue().size()));
                for (JsonNode uid : byClass.getValue()) {
                    x.writeEmptyElement("Instance");
                    x.writeAttribute("UID", uid.asText());
                }
                x.writeEndElement();
            }
            x.writeEndElement();
        }
        x.writeEndElement();
    }

    private static void detail(XMLStreamWriter x, String type, String value) throws XMLStreamException {
        x.writeEmptyElement("ParticipantObjectDetail");
        x.writeAttribute("type", type.replace(' ', '_'));
        x.writeAttribute("value", base64(value));
    }

    private static void code(XMLStreamWriter x, String element, JsonNode code) throws XMLStreamException {
        x.writeEmptyElement(element);
        x.writeAttribute("csd-code", code.path("code").asText());
        x.writeAttribute("codeSystemName", code.path("system").asText());
        x.writeAttribute("originalText", code.path("meaning").asText());
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
