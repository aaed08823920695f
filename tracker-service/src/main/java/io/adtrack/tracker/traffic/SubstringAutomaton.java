package io.adtrack.tracker.traffic;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;

/**
 * Finds which of a fixed set of ASCII substrings occur in a text, case-insensitively, in one pass over the text
 * (Aho-Corasick, compiled to a complete transition table): the cost per character is one table read, whatever the
 * number of patterns. Each pattern carries a kind (a bit); {@link #scan} answers the kinds found. Immutable once
 * built, so every event loop may share it.
 */
final class SubstringAutomaton {

  /** Characters patterns may use: printable ASCII. A text character outside it can be part of no match. */
  private static final int ASCII = 128;

  /** Per character of the text, its column in {@link #next}; 0 for every character no pattern uses. */
  private final byte[] column = new byte[ASCII];
  private final int columns;
  /**
   * {@code next[row + column]}: the row of the state after reading a character, a state's row being
   * {@code state * columns}; rows rather than state numbers spare the scan a multiplication per character.
   */
  private final int[] next;
  /** At a state's row, the kinds of every pattern ending there or at any suffix of it (the rest unused). */
  private final int[] kinds;
  private final int stopKinds;

  /**
   * @param patterns  lower-case printable ASCII, none empty
   * @param kindOf    the kind bit of each pattern
   * @param stopKinds once all of these kinds are found, {@link #scan} may stop reading
   */
  SubstringAutomaton(List<String> patterns, int[] kindOf, int stopKinds) {
    this.stopKinds = stopKinds;
    int used = 1;
    for (String pattern : patterns) {
      for (char c : pattern.toCharArray()) {
        if (c >= ASCII || c < 0x20 || c >= 'A' && c <= 'Z') {
          throw new IllegalArgumentException("pattern \"" + pattern + "\" is not lower-case printable ASCII");
        }
        if (column[c] == 0) {
          if (used == Byte.MAX_VALUE) {
            throw new IllegalArgumentException("patterns use more than " + (Byte.MAX_VALUE - 1) + " characters");
          }
          column[c] = (byte) used++;
        }
      }
    }
    columns = used;
    // The trie: goto[state][column], -1 where the trie has no edge.
    List<int[]> trie = new ArrayList<>();
    List<Integer> outputs = new ArrayList<>();
    trie.add(newRow());
    outputs.add(0);
    for (int p = 0; p < patterns.size(); p++) {
      int state = 0;
      for (char c : patterns.get(p).toCharArray()) {
        int col = column[c];
        if (trie.get(state)[col] < 0) {
          trie.get(state)[col] = trie.size();
          trie.add(newRow());
          outputs.add(0);
        }
        state = trie.get(state)[col];
      }
      outputs.set(state, outputs.get(state) | kindOf[p]);
    }
    int states = trie.size();
    int[] move = new int[states * columns];
    int[] output = new int[states];
    int[] fail = new int[states];
    // Breadth first, so a state's failure target is complete before the state itself: missing edges borrow the
    // failure target's, which turns the trie into a DFA; kinds collect along the failure chain.
    Queue<Integer> queue = new ArrayDeque<>();
    for (int col = 0; col < columns; col++) {
      int child = trie.get(0)[col];
      move[col] = Math.max(child, 0);
      if (child > 0) {
        fail[child] = 0;
        queue.add(child);
      }
    }
    output[0] = outputs.get(0);
    while (!queue.isEmpty()) {
      int state = queue.remove();
      output[state] = outputs.get(state) | output[fail[state]];
      for (int col = 0; col < columns; col++) {
        int child = trie.get(state)[col];
        if (child > 0) {
          fail[child] = move[fail[state] * columns + col];
          move[state * columns + col] = child;
          queue.add(child);
        } else {
          move[state * columns + col] = move[fail[state] * columns + col];
        }
      }
    }
    // The same table by rows, for the scan.
    next = new int[states * columns];
    kinds = new int[states * columns];
    for (int state = 0; state < states; state++) {
      for (int col = 0; col < columns; col++) {
        next[state * columns + col] = move[state * columns + col] * columns;
      }
      kinds[state * columns] = output[state];
    }
  }

  /** The kinds of the patterns occurring in {@code text}, compared case-insensitively. */
  int scan(String text) {
    int row = 0;
    int found = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      // A character no pattern uses (non-ASCII included) ends every partial match: back to the root.
      row = c < ASCII ? next[row + column[c]] : 0;
      found |= kinds[row];
      if ((found & stopKinds) == stopKinds && stopKinds != 0) {
        return found;
      }
    }
    return found;
  }

  /** States of the automaton, for the start-up log and tests. */
  int states() {
    return kinds.length / columns;
  }

  private int[] newRow() {
    int[] row = new int[columns];
    Arrays.fill(row, -1);
    return row;
  }
}
