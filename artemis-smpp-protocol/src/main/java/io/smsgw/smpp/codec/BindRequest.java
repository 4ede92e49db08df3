package io.smsgw.smpp.codec;

/**
 * bind_transmitter / bind_receiver / bind_transceiver. Field limits (C-Octet String sizes incl.
 * NUL): system_id 16, password 9, system_type 13, address_range 41.
 */
public record BindRequest(int sequenceNumber, BindType bindType, String systemId, String password,
                          String systemType, int interfaceVersion, int addrTon, int addrNpi,
                          String addressRange) implements SmppRequest {

    /** interface_version of SMPP 3.4; anything lower means 3.3 or earlier. */
    public static final int INTERFACE_VERSION_34 = 0x34;
    /** interface_version of SMPP 3.3. */
    public static final int INTERFACE_VERSION_33 = 0x33;

    public BindRequest {
        bindType = Fields.bindType(bindType);
        systemId = Fields.str(systemId);
        password = Fields.str(password);
        systemType = Fields.str(systemType);
        addressRange = Fields.str(addressRange);
    }

    @Override
    public int commandId() {
        return bindType.requestId();
    }

    /** Whether the ESME asked for SMPP 3.4 or later (TLVs allowed). */
    public boolean isVersion34OrLater() {
        return interfaceVersion >= INTERFACE_VERSION_34;
    }

    /** The bind_*_resp for this bind. */
    public BindResponse response(int status, String systemId, Tlvs tlvs) {
        return new BindResponse(sequenceNumber, status, bindType, systemId, tlvs);
    }

    /** The bind_*_resp for this bind, without TLVs. */
    public BindResponse response(int status, String systemId) {
        return response(status, systemId, Tlvs.EMPTY);
    }

    @Override
    public BindResponse errorResponse(int status) {
        return response(status, "", Tlvs.EMPTY);
    }

    /** Without the password: PDUs end up in logs and exception messages. */
    @Override
    public String toString() {
        return "BindRequest[sequenceNumber=" + sequenceNumber + ", bindType=" + bindType + ", systemId=" + systemId
                + ", password=" + Fields.masked(password) + ", systemType=" + systemType + ", interfaceVersion=0x"
                + Integer.toHexString(interfaceVersion) + ", addrTon=" + addrTon + ", addrNpi=" + addrNpi
                + ", addressRange=" + addressRange + "]";
    }
}
