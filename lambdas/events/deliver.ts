// replaced by the delivery pipeline (issue 3)
export const handler = async (): Promise<void> => undefined;
