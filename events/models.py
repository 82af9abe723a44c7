"""Events, RSVPs and proposals. The models arrive with the events issue."""
