/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Body, Button, Container, Heading, Hr, Html, Link, Preview, Section, Text } from '@react-email/components';
import type { ReactNode } from 'react';

export type LayoutProps = {
  locale: string;
  preview: string;
  heading: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  linkFallback: string;
  footer: string;
  children?: ReactNode;
  /** Shown after the button (e.g. how to change or stop these emails). */
  after?: ReactNode;
  brandColor?: string;
};

/** The frame of every Troupe email: heading, text, one button and the full link in plain text. */
export function MailLayout(p: LayoutProps) {
  const color = p.brandColor ?? '#1c7ed6';
  return (
    <Html lang={p.locale}>
      <Preview>{p.preview}</Preview>
      <Body style={{ backgroundColor: '#f4f5f7', fontFamily: 'Helvetica, Arial, sans-serif', color: '#1f2933' }}>
        <Container style={{ backgroundColor: '#ffffff', padding: '32px', borderRadius: '8px', maxWidth: '560px' }}>
          <Heading as="h1" style={{ fontSize: '22px' }}>
            {p.heading}
          </Heading>
          {p.paragraphs.map((text) => (
            <Text key={text} style={{ fontSize: '15px', lineHeight: '22px', whiteSpace: 'pre-wrap' }}>
              {text}
            </Text>
          ))}
          {p.children}
          {p.action && (
            <Section style={{ margin: '24px 0' }}>
              <Button href={p.action.url} style={{ backgroundColor: color, color: '#ffffff', padding: '12px 20px', borderRadius: '6px' }}>
                {p.action.label}
              </Button>
              <Text style={{ fontSize: '13px', color: '#52606d' }}>
                {p.linkFallback} <Link href={p.action.url}>{p.action.url}</Link>
              </Text>
            </Section>
          )}
          {p.after}
          <Hr />
          <Text style={{ fontSize: '12px', color: '#7b8794' }}>{p.footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}
