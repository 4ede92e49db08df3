package io.smsgw.core.contract;

import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Reads a contract message, whoever sent it: applications may set numeric properties with any numeric type
 * or as text, and may leave optional ones out, so every getter is lenient and says "absent" with null.
 */
public final class SmsMessageReader {

   private final ICoreMessage message;

   public SmsMessageReader(ICoreMessage message) {
      this.message = message;
   }

   public ICoreMessage message() {
      return message;
   }

   /** The message's kind; MO when the sender did not say (see {@link SmsKind#of}). */
   public SmsKind kind() {
      return SmsKind.of(message.getObjectProperty(SmsProperties.KIND));
   }

   public String string(SimpleString property) {
      Object value = message.getObjectProperty(property);
      return value == null ? null : value.toString();
   }

   public String string(SimpleString property, String absent) {
      String value = string(property);
      return value == null ? absent : value;
   }

   /** A numeric property of any numeric type or numeric text; null when absent. */
   public Number number(SimpleString property) {
      Object value = message.getObjectProperty(property);
      if (value instanceof Number n) {
         return n;
      }
      if (value != null) {
         try {
            return Long.parseLong(value.toString().trim());
         } catch (NumberFormatException e) {
            throw new IllegalArgumentException("property " + property + " is not a number: " + value);
         }
      }
      return null;
   }

   public int integer(SimpleString property, int absent) {
      Number n = number(property);
      return n == null ? absent : n.intValue();
   }

   public long longValue(SimpleString property, long absent) {
      Number n = number(property);
      return n == null ? absent : n.longValue();
   }

   /**
    * As {@link #integer}, but {@code fallback} also when the value is no number; never throws. For the report on a
    * message that is being refused because of such a value: the report itself must still be made.
    */
   public int integerOrElse(SimpleString property, int fallback) {
      try {
         return integer(property, fallback);
      } catch (IllegalArgumentException e) {
         return fallback;
      }
   }

   /** As {@link #longValue}, but {@code fallback} also when the value is no number; never throws (see {@link #integerOrElse}). */
   public long longOrElse(SimpleString property, long fallback) {
      try {
         return longValue(property, fallback);
      } catch (IllegalArgumentException e) {
         return fallback;
      }
   }

   /**
    * An int property of any message, as a number or numeric text, or {@code fallback} when absent or no int; never
    * throws. For a property routing reads on every report (smsRegisteredDelivery), without a reader object.
    */
   public static int intOrElse(org.apache.activemq.artemis.api.core.Message message, SimpleString property, int fallback) {
      Object value = message.getObjectProperty(property);
      if (value instanceof Number n) {
         return n.intValue();
      }
      if (value == null) {
         return fallback;
      }
      try {
         return Integer.parseInt(value.toString().trim());
      } catch (NumberFormatException e) {
         return fallback;
      }
   }

   /** The UDH bytes, or null. */
   public byte[] udh() {
      Object value = message.getObjectProperty(SmsProperties.UDH);
      return value instanceof byte[] bytes && bytes.length > 0 ? bytes : null;
   }

   public boolean hasTextBody() {
      return message.getType() == Message.TEXT_TYPE;
   }

   /** The text body, or null when the body is not text. */
   public String text() {
      if (!hasTextBody()) {
         return null;
      }
      ActiveMQBuffer body = message.getReadOnlyBodyBuffer();
      SimpleString text = body.readNullableSimpleString();
      return text == null ? null : text.toString();
   }

   /** The text body, or {@code absent} when there is none. Decodes the body on each call. */
   public String text(String absent) {
      String text = text();
      return text == null ? absent : text;
   }

   /** The raw body bytes (for binary messages). */
   public byte[] bytes() {
      ActiveMQBuffer body = message.getReadOnlyBodyBuffer();
      byte[] bytes = new byte[body.readableBytes()];
      body.readBytes(bytes);
      return bytes;
   }

   /** When the message was created (epoch millis). */
   public long timestamp() {
      return message.getTimestamp();
   }
}
