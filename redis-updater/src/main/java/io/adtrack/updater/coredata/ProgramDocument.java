package io.adtrack.updater.coredata;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A validated, normalised core-data document: either an upsert (the hash fields, all values strings, optional
 * fields absent when not given) or a deletion (no fields).
 *
 * @param programId the program's id, the Redis key suffix and the Kinesis partition key
 * @param version the change's version; only a version greater than the stored one is applied
 * @param deleted whether this is a deletion
 * @param fields for an upsert, the hash fields in document order (includes programId and version); empty for a
 *     deletion
 * @param json the normalised JSON document, published on the Redis channel and put on the Kinesis stream
 */
public record ProgramDocument(String programId, long version, boolean deleted, Map<String, String> fields,
    String json) {

  public ProgramDocument {
    // A copy that keeps the document order, so HSET and the published JSON list fields the same way.
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** Id, version and kind only: the fields and the JSON hold the checksum and the click signing key, secrets both. */
  @Override
  public String toString() {
    return "ProgramDocument[" + programId + " v" + version + (deleted ? " deleted" : "") + "]";
  }
}
