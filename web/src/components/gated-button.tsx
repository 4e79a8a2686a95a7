import { Button, type ButtonProps, Tooltip, VisuallyHidden } from '@mantine/core';
import { type MouseEvent, type ReactNode, useId } from 'react';

type Props = ButtonProps & {
  allowed: boolean;
  /** Why the viewer may not act, shown as a tooltip and read by screen readers. */
  reason: string;
  children: ReactNode;
  type?: 'button' | 'submit';
  onClick?: (event: MouseEvent<HTMLButtonElement>) => void;
};

/**
 * A button that stays visible and focusable when the viewer lacks the permission,
 * so they can learn why the action is not available.
 */
export function GatedButton({ allowed, reason, onClick, type = 'button', ...props }: Props) {
  const reasonId = useId();
  if (allowed) return <Button type={type} onClick={onClick} {...props} />;
  return (
    <>
      <Tooltip label={reason} withArrow>
        <Button
          type="button"
          {...props}
          data-disabled
          aria-disabled="true"
          aria-describedby={reasonId}
          onClick={(event) => event.preventDefault()}
        />
      </Tooltip>
      <VisuallyHidden id={reasonId}>{reason}</VisuallyHidden>
    </>
  );
}
