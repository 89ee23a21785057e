package io.glassbox.server.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glassbox.server.forward.ForwardDestination.Kind;
import io.glassbox.server.forward.ForwardDestination.Source;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The destinations' configuration syntax (GLASSBOX_FORWARD_DESTINATIONS and its file). */
class ForwardDestinationTest {

    @Test
    void parsesEntriesSeparatedBySemicolonsAndLinesWithComments() {
        List<ForwardDestination> parsed = ForwardDestination.parseAll("""
                # the hospital PACS gets every AI result
                pacs = ORTHANC@pacs.example.org:4242 ; archive=ARCH 1@[::1]:104?kinds=ALL&source=any
                research=RES@10.0.0.7:11112?kinds=sr,pm&source=none   # by request only
                """);
        assertEquals(3, parsed.size());
        ForwardDestination pacs = parsed.get(0);
        assertEquals(new ForwardDestination("pacs", "ORTHANC", "pacs.example.org", 4242,
                Set.of(Kind.SC, Kind.PM, Kind.SR), Source.RESULTS), pacs);
        assertEquals(List.of("RESULT"), pacs.receivedVia());
        assertEquals(List.of("1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.5.1.4.1.1.7.%", "1.2.840.10008.5.1.4.1.1.30",
                "1.2.840.10008.5.1.4.1.1.88.%"), pacs.sopClassPatterns());

        ForwardDestination archive = parsed.get(1);
        assertEquals("ARCH 1", archive.aeTitle());
        assertEquals("::1", archive.host());
        assertNull(archive.receivedVia(), "source=any: however it arrived");
        assertEquals(List.of("%"), archive.sopClassPatterns());

        ForwardDestination research = parsed.get(2);
        assertEquals(Set.of(Kind.SR, Kind.PM), research.kinds());
        assertEquals(List.of(), research.sopClassPatterns(), "source=none: nothing by rule");
    }

    @Test
    void anEmptyConfigurationHasNoDestination() {
        assertEquals(List.of(), ForwardDestination.parseAll(""));
        assertEquals(List.of(), ForwardDestination.parseAll(" ; \n# nothing\n"));
    }

    @Test
    void mistakesAreNamed() {
        assertMessage("'pacs' is not name=AE_TITLE@host:port", "pacs");
        assertMessage("port 70000 is outside 1-65535", "pacs=PACS@h:70000");
        assertMessage("AE title 'A_TITLE_LONGER_THAN_16' is not 1-16", "pacs=A_TITLE_LONGER_THAN_16@h:104");
        assertMessage("unknown kind 'CT' (known: SC, PM, SR, ALL)", "pacs=PACS@h:104?kinds=SC,CT");
        assertMessage("unknown source 'some'", "pacs=PACS@h:104?source=some");
        assertMessage("unknown option 'kind'", "pacs=PACS@h:104?kind=SC");
        assertMessage("'pacs' is configured twice", "pacs=A@h:104; pacs=B@h:105");
    }

    private static void assertMessage(String expected, String configuration) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ForwardDestination.parseAll(configuration));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
