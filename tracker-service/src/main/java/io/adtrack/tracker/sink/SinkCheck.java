package io.adtrack.tracker.sink;

import java.util.Map;

/**
 * One readiness check of an {@link EventSink}, as {@code /health/ready} reports it.
 *
 * @param name    the check's name in the report ({@code kinesisReachable}, {@code spoolAccepting}, ...)
 * @param ok      whether it passes
 * @param details what the report shows next to {@code ok}: a reason, figures
 */
public record SinkCheck(String name, boolean ok, Map<String, Object> details) {
}
