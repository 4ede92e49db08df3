package io.smsgw.smpp.codec;

/**
 * The field layout shared by submit_sm and deliver_sm: service_type C6, source address (C21),
 * destination address (C21), esm_class, protocol_id, priority_flag, schedule_delivery_time C17,
 * validity_period C17, registered_delivery, replace_if_present_flag, data_coding,
 * sm_default_msg_id, sm_length + short_message (0..255 octets; sm_length is derived), TLVs.
 *
 * <p>One-byte integer fields are {@code int}s holding 0..255; encoding a value outside that
 * range throws {@link IllegalArgumentException}.
 */
public sealed interface ShortMessagePdu extends SmppRequest permits SubmitSm, DeliverSm {

    /** Largest short_message the sm_length byte can announce. */
    int MAX_SHORT_MESSAGE_LENGTH = 255;

    String serviceType();

    Address sourceAddr();

    Address destinationAddr();

    int esmClass();

    int protocolId();

    int priorityFlag();

    String scheduleDeliveryTime();

    String validityPeriod();

    int registeredDelivery();

    int replaceIfPresentFlag();

    int dataCoding();

    int smDefaultMsgId();

    /** The raw short_message octets (owned by the record: do not modify). */
    byte[] shortMessage();

    Tlvs tlvs();

    /** A builder with every field empty/zero. */
    static Builder builder() {
        return new Builder();
    }

    /** Fills the shared layout once and builds either a {@link SubmitSm} or a {@link DeliverSm}. */
    final class Builder {
        private int sequenceNumber;
        private String serviceType = "";
        private Address sourceAddr = Address.EMPTY;
        private Address destinationAddr = Address.EMPTY;
        private int esmClass;
        private int protocolId;
        private int priorityFlag;
        private String scheduleDeliveryTime = "";
        private String validityPeriod = "";
        private int registeredDelivery;
        private int replaceIfPresentFlag;
        private int dataCoding;
        private int smDefaultMsgId;
        private byte[] shortMessage = Fields.NO_BYTES;
        private Tlvs tlvs = Tlvs.EMPTY;

        private Builder() {
        }

        public Builder sequenceNumber(int value) {
            sequenceNumber = value;
            return this;
        }

        public Builder serviceType(String value) {
            serviceType = value;
            return this;
        }

        public Builder sourceAddr(Address value) {
            sourceAddr = value;
            return this;
        }

        public Builder destinationAddr(Address value) {
            destinationAddr = value;
            return this;
        }

        public Builder esmClass(int value) {
            esmClass = value;
            return this;
        }

        public Builder protocolId(int value) {
            protocolId = value;
            return this;
        }

        public Builder priorityFlag(int value) {
            priorityFlag = value;
            return this;
        }

        public Builder scheduleDeliveryTime(String value) {
            scheduleDeliveryTime = value;
            return this;
        }

        public Builder validityPeriod(String value) {
            validityPeriod = value;
            return this;
        }

        public Builder registeredDelivery(int value) {
            registeredDelivery = value;
            return this;
        }

        public Builder replaceIfPresentFlag(int value) {
            replaceIfPresentFlag = value;
            return this;
        }

        public Builder dataCoding(int value) {
            dataCoding = value;
            return this;
        }

        public Builder smDefaultMsgId(int value) {
            smDefaultMsgId = value;
            return this;
        }

        /** Sets short_message; the array is not copied and must not be modified afterwards. */
        public Builder shortMessage(byte[] value) {
            shortMessage = value;
            return this;
        }

        public Builder tlvs(Tlvs value) {
            tlvs = value;
            return this;
        }

        public SubmitSm buildSubmitSm() {
            return new SubmitSm(sequenceNumber, serviceType, sourceAddr, destinationAddr, esmClass, protocolId,
                    priorityFlag, scheduleDeliveryTime, validityPeriod, registeredDelivery, replaceIfPresentFlag,
                    dataCoding, smDefaultMsgId, shortMessage, tlvs);
        }

        public DeliverSm buildDeliverSm() {
            return new DeliverSm(sequenceNumber, serviceType, sourceAddr, destinationAddr, esmClass, protocolId,
                    priorityFlag, scheduleDeliveryTime, validityPeriod, registeredDelivery, replaceIfPresentFlag,
                    dataCoding, smDefaultMsgId, shortMessage, tlvs);
        }
    }
}
