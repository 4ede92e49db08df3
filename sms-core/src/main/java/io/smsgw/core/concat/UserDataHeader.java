package io.smsgw.core.concat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A GSM 03.40 user data header: the UDHL octet followed by information elements. Every element is
 * kept, known or not, in the order received.
 *
 * <p>A concatenation element (IEI 0x00 or 0x08) whose length or values are invalid (total 0, number 0
 * or above total) is kept as an ordinary element but not reported by {@link #concatPart()}, as 3GPP TS
 * 23.040 tells receivers to ignore such an element; when several valid ones occur the last one counts.
 */
public final class UserDataHeader {

   private final List<InformationElement> elements;
   private final int length;

   private UserDataHeader(List<InformationElement> elements, int length) {
      this.elements = elements;
      this.length = length;
   }

   /** A header holding {@code elements} in this order. */
   public static UserDataHeader of(List<InformationElement> elements) {
      List<InformationElement> copy = List.copyOf(elements);
      int length = 1;
      for (InformationElement element : copy) {
         length += element.encodedLength();
      }
      if (length - 1 > 0xFF) {
         throw new IllegalArgumentException("elements take " + (length - 1) + " octets, a UDH holds 255");
      }
      return new UserDataHeader(copy, length);
   }

   /** Parses the header at the start of {@code userData} (a short_message / Msg_Content with UDHI set). */
   public static UserDataHeader parse(byte[] userData) throws MalformedUdhException {
      return parse(userData, 0, userData.length);
   }

   /**
    * Parses the header at {@code data[offset]}, where {@code length} octets of user data are available.
    * The payload starts {@link #length()} octets after {@code offset}.
    *
    * @throws MalformedUdhException when the header does not fit in {@code length} octets or an element
    *                               does not fit in the header
    */
   public static UserDataHeader parse(byte[] data, int offset, int length) throws MalformedUdhException {
      Objects.checkFromIndexSize(offset, length, data.length);
      if (length == 0) {
         throw new MalformedUdhException(MalformedUdhException.Reason.MISSING_HEADER_LENGTH,
                                         "UDHI set but the user data is empty");
      }
      int headerLength = data[offset] & 0xFF;
      if (1 + headerLength > length) {
         throw new MalformedUdhException(MalformedUdhException.Reason.HEADER_BEYOND_DATA,
                                         "UDHL " + headerLength + " but only " + (length - 1) + " octets follow");
      }
      List<InformationElement> elements = new ArrayList<>(2);
      int position = offset + 1;
      int end = position + headerLength;
      while (position < end) {
         if (end - position < 2) {
            throw new MalformedUdhException(MalformedUdhException.Reason.ELEMENT_BEYOND_HEADER,
                                            "information element header cut off at UDH octet " + (position - offset));
         }
         int identifier = data[position] & 0xFF;
         int elementLength = data[position + 1] & 0xFF;
         int dataStart = position + 2;
         if (elementLength > end - dataStart) {
            throw new MalformedUdhException(MalformedUdhException.Reason.ELEMENT_BEYOND_HEADER,
                                            "information element 0x" + Integer.toHexString(identifier) + " length "
                                               + elementLength + " exceeds the " + (end - dataStart) + " octets left in the UDH");
         }
         byte[] elementData = new byte[elementLength];
         System.arraycopy(data, dataStart, elementData, 0, elementLength);
         elements.add(new InformationElement(identifier, elementData));
         position = dataStart + elementLength;
      }
      return new UserDataHeader(Collections.unmodifiableList(elements), 1 + headerLength);
   }

   /**
    * Whether {@code header} (UDHL first) is nothing but a valid concatenation element saying the message has one part:
    * the message is whole, and a gateway that must cut it may give it a concatenation of its own. A header with any
    * other element (ports, indications), or that is malformed, is not.
    */
   public static boolean isOnePartConcatenation(byte[] header) {
      try {
         UserDataHeader udh = parse(header);
         return udh.length() == header.length && udh.elements().size() == 1
            && udh.concatPart().map(part -> part.total() == 1).orElse(false);
      } catch (MalformedUdhException e) {
         return false;
      }
   }

   /** The elements in header order. */
   public List<InformationElement> elements() {
      return elements;
   }

   /** Octets the header takes, UDHL included; the payload starts this many octets into the user data. */
   public int length() {
      return length;
   }

   /** The last element with identifier {@code identifier}, if any. */
   public Optional<InformationElement> find(int identifier) {
      for (int i = elements.size() - 1; i >= 0; i--) {
         if (elements.get(i).identifier() == identifier) {
            return Optional.of(elements.get(i));
         }
      }
      return Optional.empty();
   }

   /** The concatenation information of the last valid concatenation element, if any. */
   public Optional<ConcatPart> concatPart() {
      for (int i = elements.size() - 1; i >= 0; i--) {
         ConcatPart part = toConcatPart(elements.get(i));
         if (part != null) {
            return Optional.of(part);
         }
      }
      return Optional.empty();
   }

   /**
    * Whether a concatenation element (IEI 0x00 or 0x08) names no part: a wrong element length, total 0, number 0 or
    * above total. {@link #concatPart()} skips such an element, as receivers are told to; a gateway taking a submit
    * refuses it instead, or the part would be billed and sent as a whole message that the handset cannot join.
    */
   public boolean hasInvalidConcatenation() {
      for (InformationElement element : elements) {
         boolean concatenation = element.identifier() == InformationElement.CONCAT_8BIT
            || element.identifier() == InformationElement.CONCAT_16BIT;
         if (concatenation && toConcatPart(element) == null) {
            return true;
         }
      }
      return false;
   }

   /** The header as octets, UDHL first. */
   public byte[] toBytes() {
      byte[] out = new byte[length];
      out[0] = (byte) (length - 1);
      int position = 1;
      for (InformationElement element : elements) {
         position = element.writeTo(out, position);
      }
      return out;
   }

   private static ConcatPart toConcatPart(InformationElement element) {
      ConcatReference.Width width;
      if (element.identifier() == InformationElement.CONCAT_8BIT) {
         width = ConcatReference.Width.EIGHT_BIT;
      } else if (element.identifier() == InformationElement.CONCAT_16BIT) {
         width = ConcatReference.Width.SIXTEEN_BIT;
      } else {
         return null;
      }
      if (element.length() != width.dataLength()) {
         return null;
      }
      int i = 0;
      int reference = element.dataAt(i++);
      if (width == ConcatReference.Width.SIXTEEN_BIT) {
         reference = reference << 8 | element.dataAt(i++);
      }
      int total = element.dataAt(i++);
      int number = element.dataAt(i);
      if (total == 0 || number == 0 || number > total) {
         return null;
      }
      return new ConcatPart(new ConcatReference(width, reference), total, number);
   }

   @Override
   public boolean equals(Object other) {
      return other instanceof UserDataHeader header && header.elements.equals(elements);
   }

   @Override
   public int hashCode() {
      return elements.hashCode();
   }

   @Override
   public String toString() {
      return "UserDataHeader" + elements;
   }
}
