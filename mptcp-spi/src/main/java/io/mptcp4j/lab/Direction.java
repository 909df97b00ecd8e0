package io.mptcp4j.lab;

/** Which way traffic flows on a path; shaping a direction means a qdisc on the sending host's veth. */
public enum Direction {
    /** Client to server: shaped on the client's interface. */
    CLIENT_TO_SERVER(Host.CLIENT),
    /** Server to client: shaped on the server's interface. */
    SERVER_TO_CLIENT(Host.SERVER);

    private final Host sender;

    Direction(Host sender) {
        this.sender = sender;
    }

    /** The host whose egress carries this direction. */
    public Host sender() {
        return sender;
    }
}
