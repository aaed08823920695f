package io.adtrack.cloudformation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The instructions of a Dockerfile, grouped by stage, enough to check what the image will do. */
final class Dockerfile {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One instruction: upper-case keyword and its arguments, continuation lines joined. */
  record Instruction(String keyword, String arguments) {
  }

  /** One build stage: its FROM arguments and the instructions after it. */
  record Stage(String from, List<Instruction> instructions) {

    List<Instruction> all(String keyword) {
      return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword)).toList();
    }

    Optional<Instruction> last(String keyword) {
      List<Instruction> matching = all(keyword);
      return matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(matching.size() - 1));
    }
  }

  private final List<Stage> stages;

  private Dockerfile(List<Stage> stages) {
    this.stages = stages;
  }

  static Dockerfile parse(Path file) throws IOException {
    List<Stage> stages = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || trimmed.isEmpty() && pending.isEmpty()) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      pending.append(trimmed);
      String[] parts = pending.toString().strip().split("\\s+", 2);
      pending.setLength(0);
      Instruction instruction = new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : "");
      if (instruction.keyword().equals("FROM")) {
        stages.add(new Stage(instruction.arguments(), new ArrayList<>()));
      } else if (stages.isEmpty()) {
        throw new IllegalStateException(file + ": " + instruction.keyword() + " before the first FROM");
      } else {
        stages.get(stages.size() - 1).instructions().add(instruction);
      }
    }
    return new Dockerfile(stages);
  }

  List<Stage> stages() {
    return stages;
  }

  /** The stage the image is made of: the last one. */
  Stage runtime() {
    return stages.get(stages.size() - 1);
  }

  /** The JSON array of an exec-form instruction such as {@code ENTRYPOINT ["java", "-jar", "x.jar"]}. */
  static List<String> execForm(String arguments) {
    try {
      return JSON.readValue(arguments, new TypeReference<List<String>>() { });
    } catch (IOException e) {
      throw new AssertionError("not exec form (a JSON array of strings): " + arguments, e);
    }
  }
}
