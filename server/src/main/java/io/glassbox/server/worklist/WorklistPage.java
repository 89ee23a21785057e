package io.glassbox.server.worklist;

import java.util.List;

/** One page of the worklist: {@code total} studies match the filters, {@code items} from {@code offset}. */
public record WorklistPage(long total, int offset, int limit, List<WorklistItem> items) {
}
