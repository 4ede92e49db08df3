package io.smsgw.routing;

import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.utils.DataConstants;

/**
 * Whether an application's MT has a body the SMSC links can send (message-contract.md): a text that is not empty, or
 * bytes, at least one. What the links read is the message as a CORE client would receive it: an AMQP message is
 * judged by its CORE form, as Artemis converts it for the link (an AMQP value that is a string, or a data section
 * with a textual content type, is text; a data section of any other content type but a serialized Java object, or a
 * value that is binary, is bytes; a value that is a map or a list, a sequence, a serialized object or no body at all
 * is neither). Anything else (a JMS MapMessage, ObjectMessage or StreamMessage, a Message without body, a TextMessage
 * without text, a BytesMessage without bytes) used to leave as a binary SMS made of the body's encoding, or as an
 * empty SMS (docs/decisions.md, "An application's MT needs a text or bytes body").
 */
final class MtBody {

   /** The length of the body an untouched Artemis JMS BytesMessage arrives with ({@link #hasBytes}). */
   private static final int UNTOUCHED_BYTES_BODY = Integer.BYTES;

   private MtBody() {
   }

   static boolean sendable(Message message) {
      if (message.isLargeMessage()) {
         // Over the client's large-message size (100 KiB by default): streamed, not looked into here; the link reads it
         // as before. A map or a serialized object that large is no MT anybody sends by mistake.
         return true;
      }
      ICoreMessage core;
      try {
         core = message instanceof ICoreMessage c ? c : message.toCore();
      } catch (RuntimeException e) {
         return false; // a message Artemis cannot give the link in CORE form is one the link could not send either
      }
      return switch (core.getType()) {
         case Message.TEXT_TYPE -> hasText(core);
         case Message.BYTES_TYPE -> hasBytes(core);
         default -> false;
      };
   }

   /**
    * Whether a text body has a text of at least one character, read from its encoding without decoding it: a CORE text
    * body is a nullable SimpleString (a NULL or NOT_NULL octet, then the length of its UTF-16 data, then the data).
    */
   private static boolean hasText(ICoreMessage core) {
      ActiveMQBuffer body = core.getReadOnlyBodyBuffer();
      int at = body.readerIndex();
      return body.readableBytes() >= 1 + Integer.BYTES && body.getByte(at) != DataConstants.NULL
         && body.getInt(at + 1) > 0;
   }

   /**
    * Whether a bytes body has any. A BytesMessage the Artemis JMS client sends without writing to it reaches the broker
    * with a body of four zero octets (the client encodes the untouched body's end one int too far), which a CORE consumer
    * reads as such: the link sent them as a binary SMS. Four zero octets without a UDH are no content either, and are
    * refused with the empty body.
    */
   private static boolean hasBytes(ICoreMessage core) {
      ActiveMQBuffer body = core.getReadOnlyBodyBuffer();
      int length = body.readableBytes();
      if (length == UNTOUCHED_BYTES_BODY && core.getObjectProperty(SmsProperties.UDH) == null) {
         return body.getInt(body.readerIndex()) != 0;
      }
      return length > 0;
   }
}
