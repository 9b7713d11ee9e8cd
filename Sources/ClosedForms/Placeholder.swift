// ClosedForms
