package io.smsgw.core.concat;

import java.util.Arrays;

/**
 * One information element of a user data header: identifier (IEI, 0..255) and data (0..255 octets).
 * The data array is copied in and out, so instances are immutable.
 */
public record InformationElement(int identifier, byte[] data) {

   /** IEI of the concatenation element with an 8-bit reference. */
   public static final int CONCAT_8BIT = 0x00;
   /** IEI of the concatenation element with a 16-bit reference. */
   public static final int CONCAT_16BIT = 0x08;

   public InformationElement {
      if (identifier < 0 || identifier > 0xFF) {
         throw new IllegalArgumentException("identifier must be 0..255: " + identifier);
      }
      if (data == null || data.length > 0xFF) {
         throw new IllegalArgumentException("data must be 0..255 octets");
      }
      data = data.clone();
   }

   /** A copy of the element's data. */
   @Override
   public byte[] data() {
      return data.clone();
   }

   /** Length of the element's data. */
   public int length() {
      return data.length;
   }

   /** Octet {@code index} of the data, 0..255. */
   public int dataAt(int index) {
      return data[index] & 0xFF;
   }

   /** Octets this element takes in a header: identifier, length, data. */
   int encodedLength() {
      return 2 + data.length;
   }

   /** Writes identifier, length and data at {@code out[position]}; returns the position after it. */
   int writeTo(byte[] out, int position) {
      out[position] = (byte) identifier;
      out[position + 1] = (byte) data.length;
      System.arraycopy(data, 0, out, position + 2, data.length);
      return position + encodedLength();
   }

   @Override
   public boolean equals(Object other) {
      return other instanceof InformationElement element
            && element.identifier == identifier
            && Arrays.equals(element.data, data);
   }

   @Override
   public int hashCode() {
      return 31 * identifier + Arrays.hashCode(data);
   }

   @Override
   public String toString() {
      StringBuilder hex = new StringBuilder();
      for (byte b : data) {
         hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return "InformationElement[identifier=" + identifier + ", data=" + hex + "]";
   }
}
