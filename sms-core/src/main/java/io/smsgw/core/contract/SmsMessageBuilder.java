package io.smsgw.core.contract;

import io.netty.buffer.ByteBuf;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.utils.DataConstants;

/**
 * Builds a durable broker message of the contract (docs/message-contract.md): every protocol head and
 * link writes MT, MO and DR messages through this, so property names and types cannot drift apart.
 * Not thread-safe; one builder per message.
 */
public final class SmsMessageBuilder {

   /**
    * Bytes left free in the buffer of a message for an ingress address ({@code sms.mt}, {@code sms.mo},
    * {@code sms.dr}). The gateway's senders route such a message before they store it (decision 40): it gets its
    * routed address and a property or two ({@code smsLink}, {@code smsBillable}, {@code smsRecordTime}). With the
    * room, encoding the routed message for the journal fills the buffer; without it, the whole buffer was
    * reallocated and copied once more (with {@link #copyForRouting}, 5 % less allocation per message in scenario 3,
    * docs/BENCHMARKS.md). The journal stores only the encoded bytes; a message waiting in memory keeps what is
    * left of the room.
    */
   public static final int ROUTING_ROOM = 128;

   private final CoreMessage message;

   private SmsMessageBuilder(CoreMessage message) {
      this.message = message;
   }

   /**
    * A durable anycast message for {@code address}. Its buffer is allocated when the body is written (or at
    * {@link #build()}), at the size the whole message will encode to (plus {@link #ROUTING_ROOM} for an ingress
    * address), so set the properties first: encoding it for the journal then fills the buffer instead of growing
    * and copying it. A property added after the body still works; the buffer grows once when the message is
    * encoded if the room does not hold it.
    *
    * @param brokerMessageId an id from the broker's storage manager (the broker assigns its own on send)
    */
   public static SmsMessageBuilder create(long brokerMessageId, SimpleString address, SmsKind kind) {
      CoreMessage m = new CoreMessage();
      m.setMessageID(brokerMessageId);
      return new SmsMessageBuilder(initialize(m, address, kind));
   }

   /**
    * Like {@link #create} with the message buffer sized by the caller, who knows the encoded size (properties
    * and body) well enough that encoding for the journal fills the buffer instead of growing and copying it.
    * The buffer gets {@link #ROUTING_ROOM} on top for an ingress address.
    */
   public static SmsMessageBuilder createSized(long brokerMessageId, SimpleString address, SmsKind kind, int initialBufferSize) {
      CoreMessage m = new CoreMessage(brokerMessageId, initialBufferSize + routingRoom(address));
      return new SmsMessageBuilder(initialize(m, address, kind));
   }

   /**
    * A copy of a message with {@link #ROUTING_ROOM} to spare in its buffer, for a second routed message made
    * from one being sent (a report's billing record). {@code Message.copy()} sizes the copy's buffer to the
    * original's encoded size, so the properties routing then adds reallocated and copied it once more. A message
    * that is not a plain core message is copied by {@code Message.copy()}.
    */
   public static Message copyForRouting(Message message) {
      if (!(message instanceof CoreMessage original) || original.isLargeMessage() || original.getBuffer() == null) {
         return message.copy();
      }
      ActiveMQBuffer body = original.getReadOnlyBodyBuffer(); // encodes the original first if it was changed
      CoreMessage copy = new CoreMessage(original.getMessageID(), original.getEncodeSize() + ROUTING_ROOM);
      copy.moveHeadersAndProperties(original);
      copy.getBodyBuffer().writeBytes(body, body.readableBytes());
      return copy;
   }

   private static int routingRoom(SimpleString address) {
      return SmsAddresses.isIngress(address) ? ROUTING_ROOM : 0;
   }

   private static CoreMessage initialize(CoreMessage m, SimpleString address, SmsKind kind) {
      m.setAddress(address);
      m.setRoutingType(RoutingType.ANYCAST);
      m.setDurable(true);
      m.setTimestamp(System.currentTimeMillis());
      m.putStringProperty(SmsProperties.KIND, kind.propertyValue());
      return m;
   }

   public SmsMessageBuilder string(SimpleString property, String value) {
      if (value != null) {
         message.putStringProperty(property, SimpleString.of(value));
      }
      return this;
   }

   /** For values used on every message (account, protocol): callers keep one SimpleString, no copy per message. */
   public SmsMessageBuilder string(SimpleString property, SimpleString value) {
      if (value != null) {
         message.putStringProperty(property, value);
      }
      return this;
   }

   public SmsMessageBuilder integer(SimpleString property, int value) {
      message.putIntProperty(property, value);
      return this;
   }

   /** A byte property on its own (a TON or NPI without its address, say). */
   public SmsMessageBuilder byteValue(SimpleString property, byte value) {
      message.putByteProperty(property, value);
      return this;
   }

   /**
    * The broker's duplicate id ({@code _AMQ_DUPL_ID}): a second message with the same id sent to the same
    * address, within the broker's {@code id-cache-size}, is dropped.
    */
   public SmsMessageBuilder duplicateId(String id) {
      message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(id));
      return this;
   }

   public SmsMessageBuilder id(String smsId) {
      return string(SmsProperties.ID, smsId);
   }

   public SmsMessageBuilder source(String address, byte ton, byte npi) {
      string(SmsProperties.SOURCE, address);
      message.putByteProperty(SmsProperties.SOURCE_TON, ton);
      message.putByteProperty(SmsProperties.SOURCE_NPI, npi);
      return this;
   }

   public SmsMessageBuilder destination(String address, byte ton, byte npi) {
      string(SmsProperties.DESTINATION, address);
      message.putByteProperty(SmsProperties.DESTINATION_TON, ton);
      message.putByteProperty(SmsProperties.DESTINATION_NPI, npi);
      return this;
   }

   public SmsMessageBuilder submitTime(long epochMillis) {
      message.putLongProperty(SmsProperties.SUBMIT_TIME, epochMillis);
      return this;
   }

   public SmsMessageBuilder doneTime(long epochMillis) {
      message.putLongProperty(SmsProperties.DONE_TIME, epochMillis);
      return this;
   }

   /** Schedule time, if any (0 = none). */
   public SmsMessageBuilder scheduleTime(long epochMillis) {
      if (epochMillis > 0) {
         message.putLongProperty(SmsProperties.SCHEDULE_TIME, epochMillis);
      }
      return this;
   }

   /**
    * Validity, if any (0 = none). The broker expires the message if it still waits then; routing turns
    * that into an EXPIRED report.
    */
   public SmsMessageBuilder validityTime(long epochMillis) {
      if (epochMillis > 0) {
         message.putLongProperty(SmsProperties.VALIDITY_TIME, epochMillis);
         message.setExpiration(epochMillis);
      }
      return this;
   }

   public SmsMessageBuilder fee(int userType, String type, String code, String terminal) {
      message.putIntProperty(SmsProperties.FEE_USER_TYPE, userType);
      string(SmsProperties.FEE_TYPE, type);
      string(SmsProperties.FEE_CODE, code);
      if (terminal != null && !terminal.isEmpty()) {
         string(SmsProperties.FEE_TERMINAL, terminal);
      }
      return this;
   }

   public SmsMessageBuilder segment(int reference, int total, int number) {
      message.putIntProperty(SmsProperties.SEGMENT_REF, reference);
      message.putIntProperty(SmsProperties.SEGMENT_TOTAL, total);
      message.putIntProperty(SmsProperties.SEGMENT_NUMBER, number);
      return this;
   }

   public SmsMessageBuilder udh(byte[] data, int length) {
      byte[] header = new byte[length];
      System.arraycopy(data, 0, header, 0, length);
      message.putBytesProperty(SmsProperties.UDH, header);
      return this;
   }

   /**
    * Text body: a JMS TextMessage, an AMQP string. Written as {@code writeNullableSimpleString} writes it (a
    * not-null byte, the length in bytes, two little-endian bytes per char) but straight from the String: the
    * intermediate SimpleString was 7.6 % of the gateway's allocation in scenario 3 (docs/BENCHMARKS.md).
    */
   public SmsMessageBuilder text(String text) {
      message.setType(Message.TEXT_TYPE);
      if (text == null) {
         allocateBuffer(SimpleString.sizeofNullableString(null));
         message.getBodyBuffer().writeNullableSimpleString(null);
         return this;
      }
      int length = text.length();
      allocateBuffer(1 + Integer.BYTES + 2 * length);
      ActiveMQBuffer body = message.getBodyBuffer();
      // These two writes mark the body changed; the characters then go straight into the Netty buffer below
      // (one capacity check, no wrapper calls per character), as readNullableSimpleString expects them.
      body.writeByte(DataConstants.NOT_NULL);
      body.writeInt(2 * length);
      writeUtf16Le(body.byteBuf(), text);
      return this;
   }

   /** {@code text} as UTF-16 little-endian, the byte order of a SimpleString's data. */
   static void writeUtf16Le(ByteBuf out, String text) {
      int length = text.length();
      out.ensureWritable(2 * length);
      if (!out.hasArray()) {
         for (int i = 0; i < length; i++) {
            out.writeShortLE(text.charAt(i));
         }
         return;
      }
      byte[] array = out.array();
      int at = out.arrayOffset() + out.writerIndex();
      for (int i = 0; i < length; i++) {
         char c = text.charAt(i);
         array[at++] = (byte) c;
         array[at++] = (byte) (c >>> 8);
      }
      out.writerIndex(out.writerIndex() + 2 * length);
   }

   /** Binary body: a JMS BytesMessage, AMQP binary data. */
   public SmsMessageBuilder bytes(byte[] data, int offset, int length) {
      allocateBuffer(length);
      message.setType(Message.BYTES_TYPE);
      message.getBodyBuffer().writeBytes(data, offset, length);
      return this;
   }

   public CoreMessage build() {
      // A message without a body encodes an empty one: one int.
      allocateBuffer(Integer.BYTES);
      return message;
   }

   /**
    * Gives a message made by {@link #create} its buffer: the body's length-field offset, the body, then the
    * headers and the properties set so far, as {@code CoreMessage} encodes them, and the routing room.
    */
   private void allocateBuffer(int bodySize) {
      if (message.getBuffer() == null) {
         message.initBuffer(CoreMessage.BODY_OFFSET + bodySize + message.getHeadersAndPropertiesEncodeSize()
                               + routingRoom(message.getAddressSimpleString()));
      }
   }
}
