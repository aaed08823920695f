package io.adtrack.bench.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a Kinesis PutRecords request the sink counts: stream, partition keys and data sizes. Streamed with
 * Jackson so a 500-record call costs no maps and no decoding, in either protocol the SDK speaks: JSON, where
 * {@code Data} is base64 text sized by arithmetic, or CBOR (the same fields), where it is a byte string read past
 * without being kept.
 */
record PutRecordsRequest(String stream, List<String> partitionKeys, List<Integer> dataBytes) {

  /** Reads {@code body} with {@code format}: a {@code JsonFactory} or a {@code CBORFactory}. */
  static PutRecordsRequest parse(JsonFactory format, byte[] body) throws IOException {
    String stream = "";
    List<String> keys = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    try (JsonParser parser = format.createParser(body)) {
      expect(parser.nextToken(), JsonToken.START_OBJECT);
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("Records".equals(field) && value == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            readRecord(parser, keys, sizes);
          }
        } else if (("StreamName".equals(field) || "StreamARN".equals(field)) && value == JsonToken.VALUE_STRING) {
          // An ARN ends in stream/<name>; either way the last path segment names the stream.
          String text = parser.getText();
          stream = text.substring(text.lastIndexOf('/') + 1);
        } else {
          parser.skipChildren();
        }
      }
    }
    return new PutRecordsRequest(stream, keys, sizes);
  }

  private static void readRecord(JsonParser parser, List<String> keys, List<Integer> sizes) throws IOException {
    String key = null;
    int size = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("PartitionKey".equals(field)) {
        key = parser.getText();
      } else if ("Data".equals(field)) {
        size = dataSize(parser, value);
      } else {
        parser.skipChildren();
      }
    }
    if (key == null) {
      throw new IOException("record without PartitionKey");
    }
    keys.add(key);
    sizes.add(size);
  }

  private static int dataSize(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return decodedSize(parser.getText());
    }
    if (value == JsonToken.VALUE_EMBEDDED_OBJECT) {
      // CBOR byte string: counted as it streams past, never copied.
      return parser.readBinaryValue(OutputStream.nullOutputStream());
    }
    throw new IOException("Data must be base64 text or bytes, not " + value);
  }

  private static int decodedSize(String base64) {
    int padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
    return base64.length() / 4 * 3 - padding;
  }

  private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
    if (actual != wanted) {
      throw new IOException("expected " + wanted + " but got " + actual);
    }
  }
}
