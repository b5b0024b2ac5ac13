"""Label-supplied deliveries: DDEX ERN messages and spreadsheet manifests."""
