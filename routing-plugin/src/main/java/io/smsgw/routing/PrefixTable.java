package io.smsgw.routing;

import java.util.HashMap;
import java.util.Map;

/**
 * Longest-prefix lookup over number strings (digits and a leading '+'), built once and then only read, so
 * lookups on the send path are a walk down at most one node per digit with no locking.
 *
 * @param <T> what a prefix maps to
 */
final class PrefixTable<T> {

   private static final int DIGITS = 10;

   private static final class Node<T> {
      final Object[] digits = new Object[DIGITS];
      Map<Character, Node<T>> others;
      T value;

      @SuppressWarnings("unchecked")
      Node<T> child(char c) {
         if (c >= '0' && c <= '9') {
            return (Node<T>) digits[c - '0'];
         }
         return others == null ? null : others.get(c);
      }

      Node<T> childOrCreate(char c) {
         Node<T> existing = child(c);
         if (existing != null) {
            return existing;
         }
         Node<T> created = new Node<>();
         if (c >= '0' && c <= '9') {
            digits[c - '0'] = created;
         } else {
            if (others == null) {
               others = new HashMap<>();
            }
            others.put(c, created);
         }
         return created;
      }
   }

   private final Node<T> root = new Node<>();

   /** Maps a prefix ("" matches everything); a later put of the same prefix replaces the earlier one. */
   void put(String prefix, T value) {
      Node<T> node = root;
      for (int i = 0; i < prefix.length(); i++) {
         node = node.childOrCreate(prefix.charAt(i));
      }
      node.value = value;
   }

   /** The value of the longest prefix of {@code number}, or null. */
   T longestMatch(String number) {
      return longestMatch("", number);
   }

   /**
    * The value of the longest prefix of {@code head} followed by {@code number}, or null: a lookup of a number
    * with a country code in front without building that string.
    */
   T longestMatch(String head, String number) {
      return longestMatch(head, number, 0);
   }

   /**
    * The value of the longest prefix of {@code head} followed by {@code number} from index {@code from}, or null:
    * a lookup of part of a number, with a country code in front, without building either string.
    */
   T longestMatch(String head, String number, int from) {
      Node<T> node = root;
      T best = root.value;
      int length = head.length() + number.length() - from;
      for (int i = 0; i < length && node != null; i++) {
         node = node.child(i < head.length() ? head.charAt(i) : number.charAt(from + i - head.length()));
         if (node != null && node.value != null) {
            best = node.value;
         }
      }
      return best;
   }
}
